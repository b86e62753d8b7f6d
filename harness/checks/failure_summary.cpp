// `failure_summary`: the launcher's failure summary names the root cause
// (rank, exit code) in torchelastic's format. Read from the console as any
// user would, never through the launcher's own code.
#include <regex>

#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct SummaryExpect {
  std::string node;  // "" = first node
  std::optional<int> root_cause_rank;
  std::optional<int> exit_code;
  std::optional<std::string> time;  // the root cause's time, as printed
};

}  // namespace

FailureSummary parse_failure_summary(const std::string& console) {
  FailureSummary s;
  size_t pos = console.find("Root Cause");
  if (pos == std::string::npos) return s;
  std::string rest = console.substr(pos);
  static const std::regex rank_re("rank\\s*:\\s*(-?\\d+)");
  static const std::regex exit_re("exitcode\\s*:\\s*(-?\\d+)");
  static const std::regex time_re("time\\s*:\\s*(\\S+)");
  std::smatch m;
  if (std::regex_search(rest, m, time_re)) s.time = m[1];
  if (std::regex_search(rest, m, rank_re)) s.root_cause_rank = std::stoi(m[1]);
  if (std::regex_search(rest, m, exit_re)) {
    s.exit_code = std::stoi(m[1]);
    s.exit_is_signal = s.exit_code < 0;
    s.found = true;
  }
  return s;
}

std::any parse_failure_summary(const ExpectInput& in) {
  const Json* s = in.expect.get(in.key);
  if (!s) return {};
  ObjectReader sr(*s, in.pointer());
  SummaryExpect se;
  se.node = sr.string("node").value_or("");
  if (auto v = sr.integer("root_cause_rank")) se.root_cause_rank = static_cast<int>(*v);
  if (auto v = sr.integer("exit_code")) se.exit_code = static_cast<int>(*v);
  se.time = sr.string("time");
  sr.finish();
  return se;
}

void judge_failure_summary(const std::any& spec, Judging& j) {
  const auto& se = std::any_cast<const SummaryExpect&>(spec);
  std::string node = se.node.empty() ? j.scenario.nodes[0].name : se.node;
  std::string text = console_text(j.run, node, "both");
  auto sum = parse_failure_summary(text);
  if (!sum.found) {
    j.fail("failure summary " + node, "a \"Root Cause\" section with rank and exitcode",
           "none in: \"" + clip(text) + "\"");
    return;
  }
  if (se.root_cause_rank && *se.root_cause_rank != sum.root_cause_rank)
    j.fail("failure summary root cause rank", std::to_string(*se.root_cause_rank),
           std::to_string(sum.root_cause_rank));
  if (se.exit_code && *se.exit_code != sum.exit_code)
    j.fail("failure summary exit code", std::to_string(*se.exit_code), std::to_string(sum.exit_code));
  if (se.time && *se.time != sum.time)
    j.fail("failure summary time", *se.time, sum.time.empty() ? "none" : sum.time);
}

}  // namespace launchcheck
