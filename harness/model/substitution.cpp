#include "substitution.h"

#include <stdexcept>

#include "json_reader.h"
#include "placeholders.h"

namespace launchcheck {

std::string PlaceholderCheck::text(const std::string& s) {
  std::string why = check_placeholders(s);
  if (!why.empty()) throw std::runtime_error(why);
  return s;
}

std::optional<std::string> PlaceholderCheck::regex_text(const std::string& s) {
  // {tmp} and {port...} change every run; other names would not compile as
  // they are, which is the point: a typo in a regex is caught on loading.
  if (s.find("{tmp}") != std::string::npos || s.find("{port") != std::string::npos)
    return std::nullopt;
  return s;
}

std::string substitute(Substitution& subs, const std::string& s, const std::string& pointer) {
  try {
    return subs.text(s);
  } catch (const std::runtime_error& e) {
    field_error(pointer, e.what());
  }
}

std::string checked(const std::string& s, const std::string& pointer) {
  PlaceholderCheck check;
  return substitute(check, s, pointer);
}

std::optional<Regex> compile_regex(Substitution& subs, const std::string& re,
                                   const std::string& pointer) {
  std::optional<std::string> text = subs.regex_text(re);
  if (!text) return std::nullopt;
  try {
    return Regex(*text);
  } catch (const std::invalid_argument& e) {
    field_error(pointer, "invalid regex \"" + *text + "\": " + e.what());
  }
}

}  // namespace launchcheck
