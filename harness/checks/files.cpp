// `files`: how many paths match a glob after the run (log files, touched
// files, error files).
#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct FileExpect {
  std::string glob;     // as written, for messages
  std::string pattern;  // substituted
  int count = 0;
};
using FileExpects = std::vector<FileExpect>;

FileExpect parse_one(const ExpectInput& in, const Json& a, const std::string& p) {
  ObjectReader fr(a, p);
  FileExpect f;
  f.glob = fr.required_string("glob");
  f.pattern = in.text(f.glob, fr.pointer("glob"));
  auto c = fr.integer("count", 0, kMaxCount);
  if (!c) field_error(fr.pointer("count"), "missing required field");
  f.count = static_cast<int>(*c);
  fr.finish();
  return f;
}

}  // namespace

std::any parse_files(const ExpectInput& in) {
  return parse_items<FileExpect>(in, parse_one);
}

void judge_files(const std::any& spec, Judging& j) {
  for (auto& fe : std::any_cast<const FileExpects&>(spec)) {
    auto paths = glob_paths(fe.pattern);
    if (static_cast<int>(paths.size()) == fe.count) continue;
    std::string names;
    for (size_t i = 0; i < paths.size() && i < 8; ++i) names += (i ? ", " : "") + paths[i];
    j.fail("files " + fe.glob, std::to_string(fe.count) + " path(s) matching",
           std::to_string(paths.size()) + (names.empty() ? "" : ": " + names));
  }
}

}  // namespace launchcheck
