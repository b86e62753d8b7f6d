// The --junit report: JUnit XML for CI systems.
#pragma once

#include <string>
#include <vector>

#include "result.h"
#include "run_info.h"

namespace launchcheck {

// One <testsuite> "launchcheck.<profile>"; the run's facts as properties.
std::string junit_report(const std::vector<ScenarioResult>& results, double seconds,
                         const RunInfo& info);
std::string xml_escape(const std::string& s);

}  // namespace launchcheck
