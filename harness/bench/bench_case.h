// The benchmark cases of `launchcheck bench` (issue 6): what each one launches
// and which numbers it yields.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace launchcheck {

enum class BenchKind {
  kTrivial,     // workers exit 0: wall, CPU, peak RSS
  kFailure,     // rank 1 exits 3: its exit -> launcher exit
  kSigterm,     // SIGTERM to the agent: signal -> agent and workers gone
  kRestart,     // rank 1 fails on attempt 0: its exit -> all of attempt 1 started
  kIdle,        // workers sleep: agent CPU meanwhile
  kTee,         // --tee 3, many lines: MB/s, lines lost/split
  kRendezvous,  // N agents via c10d or etcd: launch -> every worker started
  kStoreJoin,   // N simulated agents join one refrun store: round time, store RSS
  kStoreKeepalive,  // ... then 1% of them die: until the store noticed, idle CPU
};

struct BenchMetric {
  std::string name;   // key in reports: "wall_ms"
  std::string label;  // "wall"
  std::string unit;   // "ms"
};

struct BenchCase {
  std::string name;  // "trivial-4"
  std::string title;
  BenchKind kind = BenchKind::kTrivial;
  int agents = 1;
  int nproc = 4;                               // workers per agent
  std::vector<std::string> args;               // fixture steps
  std::map<std::string, std::string> options;  // launch options beyond the common ones
  std::string rdzv_backend = "c10d";           // kRendezvous: "c10d" or "etcd" (a fresh etcd a run)
  std::vector<std::string> needs;              // profile capabilities
  int expect_exit = 0;                         // -1: any non-zero exit
  int tee_lines = 0;                           // lines per rank (kTee)
  double idle_s = 0;                           // how long workers sleep (kIdle)
  int max_runs = 0;                            // caps --runs when > 0
  int max_warmup = -1;                         // caps --warmup when >= 0
  std::vector<BenchMetric> metrics;
};

// Every case, in report order. quick: tiny sizes for the smoke test.
std::vector<BenchCase> bench_cases(bool quick);

}  // namespace launchcheck
