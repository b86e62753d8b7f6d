// The checks, as the rest of the runner sees them: read a scenario's
// `expect` (on loading, and once more before each run with its values) and
// judge a recorded run against it. The table itself is in registry.cpp.
#pragma once

#include <vector>

#include "check.h"
#include "check_failure.h"
#include "expectation.h"
#include "resolved_scenario.h"
#include "run_record.h"

namespace launchcheck {

// Every key of `expect`, each read by its check; an ExpectReader for the model.
std::vector<Expectation> read_expect(const ExpectSource& in);

// The verdict's failures: the run's health first, then the table's order.
std::vector<CheckFailure> judge(const ResolvedScenario& s, const RunRecord& run);

// One row per family of `expect` keys, in judging order.
const std::vector<Check>& check_table();

}  // namespace launchcheck
