// Small string helpers for parsers: trimming, splitting, whole-string numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace common {

// Without leading and trailing blanks (space, tab, CR, LF).
std::string trim(std::string_view s);
// Every field, empty ones included: split("a,,b", ',') is {"a", "", "b"}.
std::vector<std::string> split(std::string_view s, char sep);
// Whole-string base-10 integer ("+7" allowed); false on anything else or
// overflow.
bool parse_int(std::string_view s, int& out);
// Whole-string decimal number; false on anything else, NaN included.
bool parse_double(std::string_view s, double& out);
// One key or value of an application/x-www-form-urlencoded body or query,
// as Python's urlencode writes it: unreserved characters as they are, space
// as '+', everything else %XX.
std::string form_urlencode(std::string_view s);
// Every occurrence of `from` (not empty) replaced by `to`, left to right.
std::string replace_all(std::string s, const std::string& from, const std::string& to);
// `s` as one word of a POSIX shell: unchanged when it is only safe
// characters, else in single quotes.
std::string shell_quote(const std::string& s);

}  // namespace common
