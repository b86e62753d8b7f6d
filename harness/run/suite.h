// A suite run: find scenario files, filter them, run each in a forked
// executor process (up to `jobs` at once), collect the verdicts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "job.h"
#include "profile.h"
#include "result.h"
#include "selection.h"

namespace launchcheck {

// Scenario files under the given files/folders, sorted; throws on a path that
// does not exist.
std::vector<std::string> find_scenario_files(const std::vector<std::string>& paths);

// Loads every file (its `expect` read by the checks); errors (one line each)
// are appended to `errors`.
std::vector<Scenario> load_scenarios(const std::vector<std::string>& files,
                                     std::vector<std::string>* errors);

struct SuiteOptions {
  int jobs = 1;
  int repeat = 1;
  bool fail_fast = false;  // start nothing new after the first failed result
  // A run that fails (status fail, not error or xpass) is run again, up to
  // this many times; the last try is the result, the failed ones ride along
  // in its earlier_tries.
  int retries = 0;
};

struct SuiteHooks {
  std::function<void(const Scenario&, int repeat_index)> on_start;
  std::function<void(const ScenarioResult&)> on_result;  // in finish order
  std::function<void()> on_tick;                         // about once a second
};

struct SuiteOutcome {
  std::vector<ScenarioResult> results;  // what finished
  int signal = 0;                       // SIGINT/SIGTERM/SIGHUP that stopped it, else 0
  size_t not_run = 0;                   // never started or stopped unfinished
};

// Runs scenarios × repeat (× retries where they fail), up to `jobs` executors at once. On SIGINT,
// SIGTERM or SIGHUP (common/interrupt.h, installed here) it starts nothing
// more and SIGKILLs the running executors, whose guards then kill their
// process trees; what finished before is returned.
SuiteOutcome run_suite(const std::vector<Scenario>& scenarios, const Profile& p,
                       const RunOptions& opt, const SuiteOptions& so, const SuiteHooks& hooks);

}  // namespace launchcheck
