// The check families: each file checks/<family>.cpp reads its `expect` keys
// (parse_*) and judges them (judge_*); registry.cpp lists them in its table.
#pragma once

#include <any>
#include <string>
#include <vector>

#include "check.h"

namespace launchcheck {

// Always judged, before any key: the run itself went as planned (no
// timeout, every launcher started, every fault applied, whole event lines).
void judge_run_health(Judging& j);

std::any parse_exit(const ExpectInput& in);
void judge_exit(const std::any& spec, Judging& j);

std::any parse_attempts(const ExpectInput& in);
bool attempts_need_workers(const std::any& spec);
void judge_attempts(const std::any& spec, Judging& j);
std::any parse_restarts(const ExpectInput& in);
bool restarts_need_workers(const std::any& spec);
void judge_restarts(const std::any& spec, Judging& j);

std::any parse_world_size(const ExpectInput& in);
void judge_world_size(const std::any& spec, Judging& j);
std::any parse_env(const ExpectInput& in);
void judge_env(const std::any& spec, Judging& j);

std::any parse_rank_arithmetic(const ExpectInput& in);
void judge_rank_arithmetic(const std::any& spec, Judging& j);

std::any parse_process_tree(const ExpectInput& in);
void judge_process_tree(const std::any& spec, Judging& j);

std::any parse_no_survivors(const ExpectInput& in);
void judge_no_survivors(const std::any& spec, Judging& j);

std::any parse_output(const ExpectInput& in);
void judge_output(const std::any& spec, Judging& j);

std::any parse_line_integrity(const ExpectInput& in);
void judge_line_integrity(const std::any& spec, Judging& j);

std::any parse_events(const ExpectInput& in);
void judge_events(const std::any& spec, Judging& j);

std::any parse_files(const ExpectInput& in);
void judge_files(const std::any& spec, Judging& j);

std::any parse_failure_summary(const ExpectInput& in);
void judge_failure_summary(const std::any& spec, Judging& j);

std::any parse_duration(const ExpectInput& in);
void judge_duration(const std::any& spec, Judging& j);

std::any parse_timing(const ExpectInput& in);
void judge_timing(const std::any& spec, Judging& j);

std::any parse_fds(const ExpectInput& in);
void judge_fds(const std::any& spec, Judging& j);

std::any parse_json_files(const ExpectInput& in);
void judge_json_files(const std::any& spec, Judging& j);

// Parts exposed for unit tests.
struct LineIntegrityResult {
  int missing = 0, duplicated = 0, broken = 0;
  std::string first_problem;
};
// Every LCLINE of `stream` from `ranks`, lines 0..lines-1, whole and once.
LineIntegrityResult check_lines(const std::string& text, const std::string& stream,
                                const std::vector<int>& ranks, int lines);
// torchelastic's "Root Cause" section of a failure summary, as the judge reads
// it (independently of refrun's own writer).
struct FailureSummary {
  bool found = false;
  int root_cause_rank = -1;
  int exit_code = 0;
  bool exit_is_signal = false;
  std::string time;  // the root cause's "time" field, as printed
};
FailureSummary parse_failure_summary(const std::string& console);

}  // namespace launchcheck
