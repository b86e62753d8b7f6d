// The --junit report: JUnit XML for CI systems.
#pragma once

#include <string>
#include <vector>

#include "result.h"

namespace launchcheck {

std::string junit_report(const std::vector<ScenarioResult>& results, double seconds,
                         const std::string& suite_name);
std::string xml_escape(const std::string& s);

}  // namespace launchcheck
