// `output`: text the agents' consoles (or files matched by a glob) contain,
// do not contain, or match, and how often.
#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct TextExpect {
  std::string node;             // console of this node; "" = all nodes
  std::string stream = "both";  // stdout, stderr, both
  std::string file;             // glob as written; when set the text is those files
  std::string file_glob;        // the same, substituted
  std::optional<std::string> contains;      // substituted
  std::optional<std::string> not_contains;  // substituted
  std::optional<std::string> regex;         // as written, for messages
  std::optional<Regex> re;
  std::optional<int> count;  // occurrences of contains/regex (lines for regex)
};
using TextExpects = std::vector<TextExpect>;

TextExpect parse_one(const ExpectInput& in, const Json& a, const std::string& p) {
  ObjectReader tr(a, p);
  TextExpect t;
  t.node = tr.string("node").value_or("");
  t.stream = tr.string("stream").value_or("both");
  if (t.stream != "stdout" && t.stream != "stderr" && t.stream != "both")
    field_error(tr.pointer("stream"), "stream must be stdout, stderr or both");
  if (auto f = tr.string("file")) {
    t.file = *f;
    t.file_glob = in.text(*f, tr.pointer("file"));
  }
  if (!t.file.empty() && (tr.has("node") || tr.has("stream")))
    field_error(tr.pointer("file"), "\"file\" excludes \"node\" and \"stream\"");
  if (auto c = tr.string("contains")) t.contains = in.text(*c, tr.pointer("contains"));
  if (auto c = tr.string("not_contains")) t.not_contains = in.text(*c, tr.pointer("not_contains"));
  t.regex = tr.string("regex");
  if (t.regex) t.re = in.regex(*t.regex, tr.pointer("regex"));
  if (auto c = tr.integer("count", 0, kMaxCount)) t.count = static_cast<int>(*c);
  int kinds = t.contains.has_value() + t.not_contains.has_value() + t.regex.has_value();
  if (kinds != 1) field_error(p, "give exactly one of contains, not_contains, regex");
  if (t.count && t.not_contains) field_error(tr.pointer("count"), "count goes with contains or regex");
  tr.finish();
  return t;
}

std::string source_name(const TextExpect& t) {
  if (!t.file.empty()) return "files " + t.file;
  return "console" + (t.node.empty() ? std::string() : " of " + t.node) +
         (t.stream == "both" ? std::string() : " (" + t.stream + ")");
}

size_t count_substr(const std::string& text, const std::string& needle) {
  if (needle.empty()) return 0;
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size()))
    ++n;
  return n;
}

void judge_one(const TextExpect& t, Judging& j) {
  std::string text = t.file.empty() ? console_text(j.run, t.node, t.stream) : glob_text(t.file_glob);
  std::string check = "output " + source_name(t);
  if (t.contains) {
    size_t n = count_substr(text, *t.contains);
    if (t.count ? n != static_cast<size_t>(*t.count) : n == 0)
      j.fail(check,
             (t.count ? std::to_string(*t.count) + "x " : std::string("contains ")) + "\"" +
                 *t.contains + "\"",
             std::to_string(n) + " occurrence(s) in: \"" + clip(text) + "\"");
  } else if (t.not_contains) {
    if (text.find(*t.not_contains) != std::string::npos)
      j.fail(check, "no \"" + *t.not_contains + "\"", "found in: \"" + clip(text) + "\"");
  } else if (t.re) {
    int n = 0;
    for (auto& line : lines_of(text))
      if (t.re->search(line)) ++n;
    if (t.count ? n != *t.count : n == 0)
      j.fail(check,
             (t.count ? std::to_string(*t.count) : std::string("at least one")) +
                 " line(s) matching /" + *t.regex + "/",
             std::to_string(n) + " line(s) in: \"" + clip(text) + "\"");
  }
}

}  // namespace

std::any parse_output(const ExpectInput& in) {
  return parse_items<TextExpect>(in, parse_one);
}

void judge_output(const std::any& spec, Judging& j) {
  for (auto& t : std::any_cast<const TextExpects&>(spec)) judge_one(t, j);
}

}  // namespace launchcheck
