#include "registry.h"

#include <algorithm>

#include "families.h"

namespace launchcheck {

const std::vector<Check>& check_table() {
  // clang-format off
  static const std::vector<Check> table = {
      // key               needs workers           parse                  judge
      {"exit",             nullptr,                parse_exit,            judge_exit},
      {"attempts",         attempts_need_workers,  parse_attempts,        judge_attempts},
      {"restarts",         restarts_need_workers,  parse_restarts,        judge_restarts},
      {"world_size",       always,                 parse_world_size,      judge_world_size},
      {"env",              always,                 parse_env,             judge_env},
      {"rank_arithmetic",  always,                 parse_rank_arithmetic, judge_rank_arithmetic},
      {"process_tree",     always,                 parse_process_tree,    judge_process_tree},
      {"no_survivors",     nullptr,                parse_no_survivors,    judge_no_survivors},
      {"output",           nullptr,                parse_output,          judge_output},
      {"line_integrity",   nullptr,                parse_line_integrity,  judge_line_integrity},
      {"events",           nullptr,                parse_events,          judge_events},
      {"files",            nullptr,                parse_files,           judge_files},
      {"failure_summary",  nullptr,                parse_failure_summary, judge_failure_summary},
      {"duration_s",       nullptr,                parse_duration,        judge_duration},
      {"timing",           nullptr,                parse_timing,          judge_timing},
      {"fds",              always,                 parse_fds,             judge_fds},
      {"json_files",       nullptr,                parse_json_files,      judge_json_files},
  };
  // clang-format on
  return table;
}

std::vector<Expectation> read_expect(const ExpectSource& in) {
  static const Json kNone = Json::object();
  ObjectReader r(in.expect ? *in.expect : kNone, in.pointer);
  std::vector<Expectation> out;
  for (auto& c : check_table()) {
    std::any spec = c.parse(ExpectInput{r, c.key, in.nodes, in.subs});
    if (spec.has_value()) out.push_back({c.key, std::move(spec)});
  }
  r.finish();
  return out;
}

namespace {

const Expectation* find(const std::vector<Expectation>& expect, const std::string& key) {
  for (auto& e : expect)
    if (e.key == key) return &e;
  return nullptr;
}

// Without any worker, every check that needs workers would fail alike: say
// it once and skip them. Returns the keys skipped.
std::vector<std::string> no_workers(const ResolvedScenario& s, Judging& j) {
  std::vector<std::string> needing;
  if (!j.started().empty()) return needing;
  for (auto& c : check_table()) {
    const Expectation* e = find(s.expect, c.key);
    if (e && c.needs_workers && c.needs_workers(e->spec)) needing.push_back(c.key);
  }
  if (needing.empty()) return needing;
  std::string which;
  for (auto& n : needing) which += (which.empty() ? "" : ", ") + n;
  j.fail("workers", "workers start (checked by " + which + ")", "no worker started");
  return needing;
}

}  // namespace

std::vector<CheckFailure> judge(const ResolvedScenario& s, const RunRecord& run) {
  Judging j(s, run);
  judge_run_health(j);
  std::vector<std::string> skipped;
  bool said = false;
  for (auto& c : check_table()) {
    // The "workers" verdict goes where the first check that may need them is.
    if (c.needs_workers && !said) {
      skipped = no_workers(s, j);
      said = true;
    }
    const Expectation* e = find(s.expect, c.key);
    if (!e || std::find(skipped.begin(), skipped.end(), c.key) != skipped.end()) continue;
    c.judge(e->spec, j);
  }
  return j.failures;
}

}  // namespace launchcheck
