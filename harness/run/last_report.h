// Where `launchcheck run` keeps a copy of its JSON report for --rerun-failed:
// $XDG_CACHE_HOME/launchcheck/last-run.json, or ~/.cache/launchcheck/...
#pragma once

#include <set>
#include <string>

#include "json_reader.h"

namespace launchcheck {

// "" when neither XDG_CACHE_HOME nor HOME is set.
std::string last_report_path();
// Best effort: a run never fails because its cache cannot be written.
void save_last_report(const Json& report);
// The ids that failed in the last report. Throws (one line) when there is
// none or it cannot be read.
std::set<std::string> last_failed_ids();

}  // namespace launchcheck
