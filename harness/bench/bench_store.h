// The store-scale cases of `launchcheck bench` (issue 15): one refrun agent
// hosts the c10d store and is node 0 of a --nnodes=1:N+1 job; the load
// generator (store_load.h) brings the other N nodes over N connections. The
// round completes when all N+1 are waiting (MAX), last_call_timeout being
// far away, so the round time is the store's work for N joins.
#pragma once

#include "bench_run.h"

namespace launchcheck {

// Why this machine cannot run the case ("" when it can): N connections
// need N descriptors here and, as the store host takes at most three
// quarters of its RLIMIT_NOFILE as clients, 4/3 (N + 2) there.
std::string store_case_skip_reason(const BenchCase& c);

// Runs a kStoreJoin or kStoreKeepalive case once; the same contract as
// run_bench_case (nothing left behind, an error line instead of numbers).
BenchOutcome run_store_case(const BenchCase& c, const Profile& p, const BenchEnv& env);

}  // namespace launchcheck
