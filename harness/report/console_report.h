// What `launchcheck run` prints: a line per scenario as it finishes, the
// details of each failure, and a summary.
#pragma once

#include <string>
#include <vector>

#include "result.h"

namespace launchcheck {

// "PASS  area/name  (1.23 s)" (+ the reason when there is one).
// With colour_it, the label in SGR colours (the caller honours NO_COLOR).
std::string console_line(const ScenarioResult& r, bool colour_it = false);
// Indented: each failed check with expected vs actual, reproduce commands,
// where the artifacts are. "" for results that need no explanation.
std::string failure_details(const ScenarioResult& r);
// "12 passed, 1 failed, 2 skipped, 0 xfail, 0 xpass, 0 errors in 8.4 s"
std::string summary_line(const std::vector<ScenarioResult>& results, double seconds);

// "passed on try N" / "failed on every try, N" for a result with earlier
// tries (a profile's retries); "" for one without.
std::string tries_note(const ScenarioResult& r);

// "1.23 s"
std::string seconds_text(double s);
// "area/name", with " #N" for the Nth --repeat.
std::string display_id(const ScenarioResult& r);

}  // namespace launchcheck
