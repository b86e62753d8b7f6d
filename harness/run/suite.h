// A suite run: find scenario files, filter them, run each in a forked
// executor process (up to `jobs` at once), collect the verdicts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "profile.h"
#include "result.h"
#include "job.h"

namespace launchcheck {

// Scenario files under the given files/folders, sorted; throws on a path that
// does not exist.
std::vector<std::string> find_scenario_files(const std::vector<std::string>& paths);

// Loads every file (its `expect` read by the checks); errors (one line each)
// are appended to `errors`.
std::vector<Scenario> load_scenarios(const std::vector<std::string>& files,
                                     std::vector<std::string>* errors);

bool matches_filter(const Scenario& s, const std::string& glob);

// Runs scenarios × repeat; calls on_result as each finishes (in finish order).
std::vector<ScenarioResult> run_suite(const std::vector<Scenario>& scenarios, const Profile& p,
                                      const RunOptions& opt, int jobs, int repeat,
                                      const std::function<void(const ScenarioResult&)>& on_result);

}  // namespace launchcheck
