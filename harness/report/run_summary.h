// What `launchcheck run` prints after the last result: the failed scenarios
// again with their reproduce lines (they scrolled away), the slowest ones
// (--durations N) and, with --repeat, the scenarios whose outcome changed
// between repeats.
#pragma once

#include <string>
#include <vector>

#include "result.h"

namespace launchcheck {

// "" when nothing failed.
std::string failed_list(const std::vector<ScenarioResult>& results);
// The scenarios that passed only after failing (a profile's retries), so a
// flaky launcher is visible in the summary; "" when there are none.
std::string passed_on_retry_list(const std::vector<ScenarioResult>& results);
// The n slowest results, slowest first; "" for n == 0.
std::string slowest(const std::vector<ScenarioResult>& results, size_t n);
// Per scenario run more than once with mixed outcomes: "id  3 pass, 2 fail";
// "" when every scenario always ended the same way.
std::string flaky_table(const std::vector<ScenarioResult>& results);

}  // namespace launchcheck
