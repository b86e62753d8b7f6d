// Reporters: console progress lines and failure details, the --json machine
// report, and --junit XML for CI systems.
#pragma once

#include <string>
#include <vector>

#include "result.h"

// "PASS  area/name  (1.23 s)" (+ reason for skip/xfail/xpass/error).
std::string console_line(const ScenarioResult& r);
// Indented: each failed check with expected vs actual, reproduce commands,
// where the artifacts are. "" for results that need no explanation.
std::string failure_details(const ScenarioResult& r);
// "12 passed, 1 failed, 2 skipped, 0 xfail, 0 xpass, 0 errors in 8.4 s"
std::string summary_line(const std::vector<ScenarioResult>& results, double seconds);

Json json_report(const std::vector<ScenarioResult>& results, double seconds);
std::string junit_report(const std::vector<ScenarioResult>& results, double seconds,
                         const std::string& suite_name);
std::string xml_escape(const std::string& s);

// Markdown table: one row per scenario id, one column per profile, each cell
// the verdict (and why, for anything but a pass), then a totals row.
std::string matrix_markdown(
    const std::vector<std::string>& ids,
    const std::vector<std::pair<std::string, std::vector<ScenarioResult>>>& columns);
