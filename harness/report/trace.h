// Chrome trace-event JSON of one run (open it in Perfetto or chrome://tracing):
// each agent a process, each worker a track inside it; spawns, exits with
// code or signal, signals received, injected faults, restarts.
#pragma once

#include "json_reader.h"
#include "run_record.h"
#include "scenario.h"

Json build_trace(const Scenario& s, const RunRecord& run);
