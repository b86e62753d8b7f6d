#include "template_substitute.h"

namespace refrun {

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

}  // namespace refrun
