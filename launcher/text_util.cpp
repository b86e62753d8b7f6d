#include "text_util.h"

#include <charconv>
#include <cstdlib>

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\n\r");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\n\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

bool parse_int(const std::string& s, int& out) {
  if (s.empty()) return false;
  const char* b = s.data();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parse_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && out == out;  // rejects trailing junk and NaN
}

static bool is_ident_char(char c, bool first) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (!first && c >= '0' && c <= '9');
}

std::string template_substitute(const std::string& text,
                                const std::vector<std::pair<std::string, std::string>>& values) {
  auto lookup = [&](const std::string& name, std::string& out) {
    for (const auto& [k, v] : values)
      if (k == name) {
        out = v;
        return true;
      }
    return false;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name, value;
    size_t end = i + 1;
    if (text[i + 1] == '{') {
      auto close = text.find('}', i + 2);
      if (close != std::string::npos) {
        name = text.substr(i + 2, close - i - 2);
        end = close + 1;
      }
    } else {
      while (end < text.size() && is_ident_char(text[end], end == i + 1)) ++end;
      name = text.substr(i + 1, end - i - 1);
    }
    if (!name.empty() && lookup(name, value)) {
      out += value;
      i = end - 1;
    } else {
      out += '$';
    }
  }
  return out;
}
