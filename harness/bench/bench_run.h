// One benchmark run: starts a case's agents (the launcher under a profile),
// follows the fixtures' event log and the agents' exits, and turns what the
// OS and the fixtures saw into the case's numbers. Nothing comes from the
// launcher's own logs.
#pragma once

#include <csignal>
#include <map>
#include <string>

#include "bench_case.h"
#include "profile.h"

// Set by a signal handler (SIGINT, SIGTERM, SIGHUP): a run in progress stops,
// kills what it started and reports the signal.
extern volatile sig_atomic_t bench_stop_signal;

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
// subreaper so orphaned workers are reaped here).
BenchOutcome run_bench_case(const BenchCase& c, const Profile& p, const BenchEnv& env);
