// Chrome trace-event JSON of one run (open it in Perfetto or chrome://tracing):
// each agent a process, each worker a track inside it; spawns, exits with
// code or signal, signals received, injected faults, restarts.
#pragma once

#include <string>

#include "json_reader.h"
#include "run_record.h"

namespace launchcheck {

Json build_trace(const std::string& scenario_id, const RunRecord& run);

}  // namespace launchcheck
