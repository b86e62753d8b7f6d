#include "check_text.h"

#include <glob.h>

#include <fstream>
#include <sstream>

namespace launchcheck {

std::string join(const std::vector<int>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

std::string clip(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n) + "...";
}

std::string console_text(const RunRecord& run, const std::string& node, const std::string& stream) {
  std::string text;
  for (auto& a : run.agents) {
    if (!node.empty() && a.node != node) continue;
    if (stream != "stderr") text += a.out;
    if (stream != "stdout") text += a.err;
  }
  return text;
}

std::vector<std::string> glob_paths(const std::string& pattern) {
  glob_t g{};
  std::vector<std::string> out;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
  globfree(&g);
  return out;
}

std::string glob_text(const std::string& pattern) {
  std::string text;
  for (auto& p : glob_paths(pattern)) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    text += ss.str();
  }
  return text;
}

}  // namespace launchcheck
