// The --json report: every result, counts by status, and whether all is well.
#pragma once

#include <vector>

#include "json_reader.h"
#include "result.h"

namespace launchcheck {

Json json_report(const std::vector<ScenarioResult>& results, double seconds);

}  // namespace launchcheck
