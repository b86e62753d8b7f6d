// The --json report: every result, counts by status, and whether all is
// well. Versioned ("format": 1); its JSON Schema is
// report/schemas/report.schema.json, documented in harness/README.md. A
// change that breaks readers bumps the format.
#pragma once

#include <vector>

#include "json_reader.h"
#include "result.h"
#include "run_info.h"

namespace launchcheck {

constexpr int kJsonReportFormat = 1;

Json json_report(const std::vector<ScenarioResult>& results, double seconds, const RunInfo& info);

}  // namespace launchcheck
