// `line_integrity`: every LCLINE a fixture printed (fixtures/PROTOCOL.md)
// arrives whole and exactly once, on the console or in log files.
#include <map>

#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct LineIntegrityExpect {
  std::string node;
  std::string stream = "stdout";  // which fixture stream's lines (LCLINE <stream>)
  std::string file;               // glob as written; else the console
  std::string file_glob;          // the same, substituted
  int lines = 0;                  // per rank
  std::vector<int> ranks;
};
using LineIntegrityExpects = std::vector<LineIntegrityExpect>;

// Parses "LCLINE <stream> r<rank> <6 digits> <64 x's>" exactly, to the end of
// the line. Hand-written: std::regex costs milliseconds on big consoles.
bool parse_lcline(const std::string& s, std::string* stream, int* rank, int* seq) {
  size_t i = 7;  // after "LCLINE "
  if (s.compare(0, 7, "LCLINE ") != 0) return false;
  size_t sp = s.find(' ', i);
  if (sp == std::string::npos) return false;
  *stream = s.substr(i, sp - i);
  if (*stream != "stdout" && *stream != "stderr") return false;
  i = sp + 1;
  if (i >= s.size() || s[i] != 'r') return false;
  ++i;
  size_t digits_start = i;
  bool negative = i < s.size() && s[i] == '-';
  if (negative) ++i;
  int r = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) r = r * 10 + (s[i++] - '0');
  if (i == digits_start + negative || i >= s.size() || s[i] != ' ') return false;
  *rank = negative ? -r : r;
  ++i;
  if (s.size() != i + 6 + 1 + 64) return false;
  int q = 0;
  for (int k = 0; k < 6; ++k, ++i) {
    if (!isdigit(static_cast<unsigned char>(s[i]))) return false;
    q = q * 10 + (s[i] - '0');
  }
  *seq = q;
  if (s[i++] != ' ') return false;
  for (; i < s.size(); ++i)
    if (s[i] != 'x') return false;
  return true;
}

LineIntegrityExpect parse_one(const ExpectInput& in, const Json& a, const std::string& p) {
  ObjectReader lr(a, p);
  LineIntegrityExpect l;
  l.node = lr.string("node").value_or("");
  l.stream = lr.string("stream").value_or("stdout");
  if (l.stream != "stdout" && l.stream != "stderr")
    field_error(lr.pointer("stream"), "stream (the fixture's LCLINE stream) must be stdout or stderr");
  if (auto f = lr.string("file")) {
    l.file = *f;
    l.file_glob = in.text(*f, lr.pointer("file"));
  }
  if (!l.file.empty() && lr.has("node")) field_error(lr.pointer("file"), "\"file\" excludes \"node\"");
  auto lines = lr.integer("lines", 1, kMaxCount);
  if (!lines) field_error(lr.pointer("lines"), "expected the number of lines per rank (>= 1)");
  l.lines = static_cast<int>(*lines);
  auto ranks = lr.integers("ranks", 0, kMaxCount);
  if (!ranks || ranks->empty()) field_error(lr.pointer("ranks"), "expected the ranks that printed");
  l.ranks = *ranks;
  lr.finish();
  return l;
}

}  // namespace

LineIntegrityResult check_lines(const std::string& text, const std::string& stream,
                                const std::vector<int>& ranks, int lines) {
  LineIntegrityResult r;
  std::map<std::pair<int, int>, int> seen;
  for (auto& line : lines_of(text)) {
    size_t pos = line.find("LCLINE");
    if (pos == std::string::npos) continue;
    std::string got_stream;
    int rank = 0, seq = 0;
    if (line.find("LCLINE", pos + 1) != std::string::npos ||
        !parse_lcline(line.substr(pos), &got_stream, &rank, &seq)) {
      ++r.broken;
      if (r.first_problem.empty()) r.first_problem = "broken line: \"" + clip(line, 120) + "\"";
      continue;
    }
    if (got_stream != stream) continue;
    ++seen[{rank, seq}];
  }
  for (int rank : ranks) {
    for (int i = 0; i < lines; ++i) {
      auto it = seen.find({rank, i});
      int n = it == seen.end() ? 0 : it->second;
      if (n == 0) {
        ++r.missing;
        if (r.first_problem.empty())
          r.first_problem =
              "rank " + std::to_string(rank) + " line " + std::to_string(i) + " missing";
      } else if (n > 1) {
        ++r.duplicated;
        if (r.first_problem.empty())
          r.first_problem = "rank " + std::to_string(rank) + " line " + std::to_string(i) +
                            " seen " + std::to_string(n) + " times";
      }
    }
  }
  return r;
}

std::any parse_line_integrity(const ExpectInput& in) {
  return parse_items<LineIntegrityExpect>(in, parse_one);
}

void judge_line_integrity(const std::any& spec, Judging& j) {
  for (auto& l : std::any_cast<const LineIntegrityExpects&>(spec)) {
    std::string text = l.file.empty() ? console_text(j.run, l.node, "both") : glob_text(l.file_glob);
    auto r = check_lines(text, l.stream, l.ranks, l.lines);
    if (r.missing || r.duplicated || r.broken)
      j.fail("line integrity " + (l.file.empty() ? std::string("console") : l.file),
             std::to_string(l.lines) + " whole " + l.stream + " line(s) from each of ranks " +
                 join(l.ranks) + ", each exactly once",
             std::to_string(r.missing) + " missing, " + std::to_string(r.duplicated) +
                 " duplicated, " + std::to_string(r.broken) + " broken; " + r.first_problem);
  }
}

}  // namespace launchcheck
