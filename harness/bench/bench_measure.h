// What one benchmark run saw, and the numbers it yields. Everything comes
// from the OS (exit times, rusage, /proc) and the fixtures' events, nothing
// from the launcher's own logs. Pure, so it is tested without processes.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench_case.h"
#include "bench_tee.h"
#include "common/exit_status.h"
#include "worker_event.h"

namespace launchcheck {

struct BenchAgent {
  pid_t pid = -1;
  bool exited = false;
  int64_t exit_ns = 0;
  common::ExitStatus status = common::ExitStatus::exited(0);  // once exited
  rusage ru{};                                                // once exited
  std::string stderr_path;
};

struct BenchObservation {
  int64_t t_launch = 0;     // the first agent's start (our clock)
  int expected = 0;         // workers per attempt: agents x nproc
  std::vector<BenchAgent> agents;
  std::map<int, int> starts;          // attempt -> workers started
  std::map<int, int64_t> last_start;  // attempt -> latest start (fixture clock)
  int64_t first_start = 0, rank1_exit_ns = 0;
  int64_t workers_gone_ns = 0;                   // kSigterm: the last worker's exit
  int64_t sigterm_sent = 0;                      // kSigterm
  int64_t cpu_before = -1, cpu_after = -1;       // kIdle: the agent's CPU time
  int64_t window_start = 0, window_end = 0;      // kIdle
  int64_t last_byte_ns = 0;                      // kTee
  const TeeLineCounter* tee = nullptr;           // kTee
};

// Notes a worker event (starts per attempt, rank 1's failure); true when it
// completed attempt 0 (every expected worker started).
bool observe_event(BenchObservation& o, const WorkerEvent& e);
// "" when the run went as the case expects, else what went wrong.
std::string bench_check(const BenchCase& c, const BenchObservation& o);
// The case's numbers (only for a run that passed bench_check).
std::map<std::string, double> bench_metrics(const BenchCase& c, const BenchObservation& o);

}  // namespace launchcheck
