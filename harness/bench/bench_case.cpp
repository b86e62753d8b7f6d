#include "bench_case.h"

namespace launchcheck {

namespace {

const BenchMetric kWall{"wall_ms", "wall", "ms"};
const BenchMetric kCpu{"cpu_ms", "CPU (agent + reaped workers)", "ms"};
const BenchMetric kRss{"rss_mib", "peak RSS", "MiB"};
const BenchMetric kLatency{"latency_ms", "latency", "ms"};

const BenchMetric kStoreRss{"store_rss_mib", "store host peak RSS", "MiB"};

// N simulated agents against refrun's store (bench_store.h): one process
// speaking its wire protocol, so N goes past what processes allow.
void add_store_cases(bool quick, std::vector<BenchCase>& out) {
  // The sizes, and 4000 between them for the curve's shape.
  std::vector<int> sizes =
      quick ? std::vector<int>{20} : std::vector<int>{1000, 4000, 10000, 100000};
  for (int n : sizes) {
    BenchCase c;
    c.name = "store-join-" + std::to_string(n);
    c.title =
        std::to_string(n) + " simulated agents join one refrun store: first connect -> every round";
    c.kind = BenchKind::kStoreJoin;
    c.agents = n;
    c.needs = {"refrun-store"};
    // A run at 100k costs seconds of both cores and ~100k sockets.
    c.max_runs = n >= 10000 ? 3 : 0;
    c.max_warmup = n >= 10000 ? 0 : -1;
    c.metrics = {
        {"join_ms", "round formed", "ms"}, {"connect_ms", "all connected", "ms"}, kStoreRss};
    out.push_back(c);
  }
  for (int n : quick ? std::vector<int>{20} : std::vector<int>{10000}) {
    BenchCase c;
    c.agents = n;
    c.name = "store-keepalive-" + std::to_string(c.agents);
    c.idle_s = quick ? 0.5 : 5;
    c.title = std::to_string(c.agents) +
              " simulated agents kept alive, then 1% killed: until the store noticed";
    c.kind = BenchKind::kStoreKeepalive;
    c.needs = {"refrun-store"};
    c.max_runs = 3;
    c.max_warmup = 0;
    c.metrics = {{"notice_ms", "1% killed -> every survivor told", "ms"},
                 {"reform_ms", "1% killed -> next round without them", "ms"},
                 {"idle_cpu_ms", "store host CPU while idle", "ms"},
                 {"window_ms", "idle window", "ms"},
                 kStoreRss};
    out.push_back(c);
  }
}

}  // namespace

// One block per case, in report order: a table, long by nature.
std::vector<BenchCase> bench_cases(bool quick) {
  std::vector<BenchCase> out;
  std::vector<int> trivial_sizes = quick ? std::vector<int>{2, 4} : std::vector<int>{4, 64, 256};
  for (int n : trivial_sizes) {
    BenchCase c;
    c.name = "trivial-" + std::to_string(n);
    c.title = "trivial job, " + std::to_string(n) + " workers exit 0";
    c.kind = BenchKind::kTrivial;
    c.nproc = n;
    c.metrics = {kWall, kCpu, kRss};
    out.push_back(c);
  }
  {
    BenchCase c;
    c.name = "failure";
    c.title = "rank 1 exits 3, others sleep: its exit -> launcher exit";
    c.kind = BenchKind::kFailure;
    c.args = {"rank=1?exit:3", "sleep:60"};
    c.expect_exit = -1;
    c.metrics = {kLatency, kWall};
    out.push_back(c);
  }
  {
    BenchCase c;
    c.name = "sigterm";
    c.title = "SIGTERM to the agent, 4 workers sleep: signal -> agent and workers gone";
    c.kind = BenchKind::kSigterm;
    c.args = {"sleep:60"};
    c.needs = {"signals"};
    c.expect_exit = -1;
    c.metrics = {kLatency};
    out.push_back(c);
  }
  {
    BenchCase c;
    c.name = "restart";
    c.title = "rank 1 fails on attempt 0: its exit -> every worker of attempt 1 started";
    c.kind = BenchKind::kRestart;
    c.args = {"rank=1,attempt=0?exit:3", "attempt=0?sleep:60"};
    c.options = {{"max_restarts", "1"}};
    c.needs = {"max-restarts"};
    c.metrics = {kLatency, kWall};
    out.push_back(c);
  }
  {
    BenchCase c;
    c.name = "idle";
    c.kind = BenchKind::kIdle;
    c.idle_s = quick ? 0.2 : 2;
    c.title = "agent CPU while 4 workers sleep " + std::to_string(c.idle_s).substr(0, 3) + " s";
    c.args = {"sleep:" + std::to_string(c.idle_s)};
    c.metrics = {{"idle_cpu_ms", "agent CPU while idle", "ms"}, {"window_ms", "idle window", "ms"}};
    out.push_back(c);
  }
  {
    BenchCase c;
    c.name = "tee";
    c.kind = BenchKind::kTee;
    c.tee_lines = quick ? 1000 : 100000;
    c.title = "--tee 3, 4 ranks x " + std::to_string(c.tee_lines) + " lines through the console";
    c.args = {"print:" + std::to_string(c.tee_lines)};
    c.options = {{"tee", "3"}};
    c.needs = {"tee"};
    c.metrics = {{"mb_per_s", "throughput", "MB/s"},
                 {"lines_lost", "lines lost", "lines"},
                 {"lines_split", "lines split", "lines"}};
    out.push_back(c);
  }
  std::vector<int> agent_counts = quick ? std::vector<int>{2} : std::vector<int>{2, 4, 8, 16};
  // c10d first, then the same sizes on etcd (torchrun's etcd backend: one
  // member on loopback, started before the clock starts, fresh each run).
  for (std::string backend : {"c10d", "etcd"}) {
    for (int n : agent_counts) {
      BenchCase c;
      c.name = (backend == "c10d" ? "rendezvous-" : "rendezvous-etcd-") + std::to_string(n);
      c.title = std::to_string(n) + " agents x 4 workers via " + backend +
                ": launch -> every worker started";
      c.kind = BenchKind::kRendezvous;
      c.agents = n;
      c.rdzv_backend = backend;
      c.needs = {backend};
      // Every torchrun agent imports torch (~1.5 s of CPU): 16 of them take
      // ~40 s a run on 2 cores, so these cases run at most 3 times, unwarmed
      // (the page cache is warm from the cases before).
      c.max_runs = 3;
      c.max_warmup = 0;
      c.metrics = {kLatency, kWall};
      out.push_back(c);
    }
  }
  // Scale in agents, not workers (issue 15): one worker each, c10d. A run
  // of 1024 agents is ~3000 processes on 2 cores, so one unwarmed run is
  // the default; --runs is capped at 3.
  std::vector<int> scale = quick ? std::vector<int>{3} : std::vector<int>{64, 256, 1024};
  for (int n : scale) {
    BenchCase c;
    c.name = "agents-" + std::to_string(n);
    c.title = std::to_string(n) + " agents x 1 worker via c10d: launch -> every worker started "
              "(latency), -> every agent exited (wall)";
    c.kind = BenchKind::kRendezvous;
    c.agents = n;
    c.nproc = 1;
    c.needs = {"c10d"};
    c.max_runs = 3;
    c.max_warmup = 0;
    c.metrics = {kLatency, kWall};
    out.push_back(c);
  }
  add_store_cases(quick, out);
  return out;
}

}  // namespace launchcheck
