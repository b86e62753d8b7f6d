// Which scenarios a run takes, and in what order: --filter/--exclude globs,
// --tag/--not-tag, --rerun-failed (the failures of the last JSON report) and
// --shuffle --seed N.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "json_reader.h"
#include "scenario.h"

namespace launchcheck {

struct ScenarioSelection {
  std::vector<std::string> paths;     // scenario files or folders
  std::vector<std::string> filters;   // globs over ids and names: any may match; none = all
  std::vector<std::string> excludes;  // globs over ids and names: none may match
  std::vector<std::string> tags;      // the scenario has at least one of them; none = all
  std::vector<std::string> not_tags;  // the scenario has none of them
};

// Whether a glob matches the scenario's id (area/name) or its name.
bool matches_filter(const Scenario& s, const std::string& glob);
bool is_selected(const Scenario& s, const ScenarioSelection& sel);

// The ids of the results that failed the run (fail, xpass, error) in a JSON
// report (report/json_report.h). Throws on a document that is not one.
std::set<std::string> failed_ids(const Json& report);

// The same seed gives the same order on every machine (std::shuffle's
// algorithm is the library's, so the permutation is done here).
void shuffle_scenarios(std::vector<Scenario>& scenarios, uint64_t seed);

}  // namespace launchcheck
