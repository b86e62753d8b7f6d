// Judges a recorded run against a scenario's `expect`.
#pragma once

#include <string>
#include <vector>

#include "placeholders.h"
#include "run_record.h"
#include "scenario.h"

struct CheckFailure {
  std::string check;  // e.g. "exit n0", "env WORLD_SIZE"
  std::string expected;
  std::string actual;
};

// Files named by globs are read now; placeholders are resolved with `ph`.
std::vector<CheckFailure> run_checks(const Scenario& s, const RunRecord& run, Placeholders& ph);

// Parts exposed for unit tests.
struct LineIntegrityResult {
  int missing = 0, duplicated = 0, broken = 0;
  std::string first_problem;
};
LineIntegrityResult check_lines(const std::string& text, const std::string& stream,
                                const std::vector<int>& ranks, int lines);
struct FailureSummary {
  bool found = false;
  int root_cause_rank = -1;
  int exit_code = 0;
  bool exit_is_signal = false;
};
FailureSummary parse_failure_summary(const std::string& console);
