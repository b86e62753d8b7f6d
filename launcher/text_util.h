// Small string helpers shared by the parsers.
#pragma once

#include <string>
#include <vector>

std::string trim(const std::string& s);
std::vector<std::string> split(const std::string& s, char sep);
// Whole-string base-10 integer; false on anything else or overflow.
bool parse_int(const std::string& s, int& out);
// Whole-string decimal number; false on anything else.
bool parse_double(const std::string& s, double& out);

// Python's string.Template(text).safe_substitute(values): $name and ${name}
// are replaced when known and left as they are otherwise; $$ is a dollar.
std::string template_substitute(const std::string& text,
                                const std::vector<std::pair<std::string, std::string>>& values);
