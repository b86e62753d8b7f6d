// One benchmark run: starts a case's agents (the launcher under a profile)
// with the same mechanics as run/ (common::spawn: own group, parent-death
// signal, registered with a common::ProcessGuard before exec; one event
// loop), follows the fixtures' event log and
// the agents' exits, and turns what it saw into the case's numbers
// (bench_measure.h). Nothing comes from the launcher's own logs, and nothing
// it started outlives it, even when launchcheck is SIGKILLed.
#pragma once

#include <map>
#include <string>

#include "bench_case.h"
#include "profile.h"

namespace launchcheck {

struct BenchEnv {
  std::string build_dir;   // bin/lc_worker
  std::string work_dir;    // each run gets a fresh directory here, removed after
  double timeout_s = 180;  // safety net per run
};

struct BenchOutcome {
  std::string error;  // "" when the run went as the case expects
  std::map<std::string, double> metrics;
};

// Why the profile cannot run the case ("" when it can).
std::string bench_skip_reason(const BenchCase& c, const Profile& p);

// Runs the case once. Leaves no process behind (the caller must be a child
// subreaper so orphaned workers are reaped here). Stops early when
// interrupt_signal() (interrupt.h) is set.
BenchOutcome run_bench_case(const BenchCase& c, const Profile& p, const BenchEnv& env);

}  // namespace launchcheck
