// The numbers of a benchmark run from what it saw, without processes.
#include "bench_measure.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

WorkerEvent event(const char* kind, int rank, int attempt, int64_t mono_ns) {
  WorkerEvent e;
  e.ev = kind;
  e.pid = 100 + rank;
  e.rank = rank;
  e.attempt = attempt;
  e.mono_ns = mono_ns;
  return e;
}

BenchObservation two_workers(int exit_code) {
  BenchObservation o;
  o.expected = 2;
  o.t_launch = 1'000'000'000;
  o.agents.resize(1);
  o.agents[0].exited = true;
  o.agents[0].status = common::ExitStatus::exited(exit_code);
  o.agents[0].exit_ns = 1'500'000'000;
  o.agents[0].ru.ru_utime.tv_usec = 20'000;
  o.agents[0].ru.ru_maxrss = 2048;
  return o;
}

TEST(BenchMeasure, CountsStartsPerAttemptAndRankOnesFailure) {
  BenchObservation o = two_workers(0);
  EXPECT_FALSE(observe_event(o, event("start", 0, 0, 10)));
  EXPECT_TRUE(observe_event(o, event("start", 1, 0, 30)));  // attempt 0 complete
  auto failed = event("exit", 1, 0, 40);
  failed.code = 3;
  observe_event(o, failed);
  EXPECT_EQ(o.starts[0], 2);
  EXPECT_EQ(o.first_start, 10);
  EXPECT_EQ(o.last_start[0], 30);
  EXPECT_EQ(o.rank1_exit_ns, 40);
}

TEST(BenchMeasure, TrivialRunNumbers) {
  BenchObservation o = two_workers(0);
  observe_event(o, event("start", 0, 0, 1'100'000'000));
  observe_event(o, event("start", 1, 0, 1'200'000'000));
  BenchCase c;
  c.kind = BenchKind::kTrivial;
  EXPECT_EQ(bench_check(c, o), "");
  auto m = bench_metrics(c, o);
  EXPECT_DOUBLE_EQ(m["wall_ms"], 500);
  EXPECT_DOUBLE_EQ(m["cpu_ms"], 20);
  EXPECT_DOUBLE_EQ(m["rss_mib"], 2);
}

TEST(BenchMeasure, SaysWhatWentWrong) {
  BenchCase c;
  c.kind = BenchKind::kTrivial;
  BenchObservation o = two_workers(1);
  EXPECT_EQ(bench_check(c, o).rfind("agent 0 exited 1 (expected exit code 0)", 0), 0u);
  o = two_workers(0);
  observe_event(o, event("start", 0, 0, 10));
  EXPECT_EQ(bench_check(c, o), "1 of 2 workers started");
  c.kind = BenchKind::kFailure;
  c.expect_exit = -1;
  o = two_workers(1);
  EXPECT_EQ(bench_check(c, o), "rank 1 recorded no exit with code 3");
}

TEST(BenchMeasure, FailureLatencyIsRankOnesExitToTheLaunchersExit) {
  BenchCase c;
  c.kind = BenchKind::kFailure;
  c.expect_exit = -1;
  BenchObservation o = two_workers(1);
  auto failed = event("exit", 1, 0, 1'400'000'000);
  failed.code = 3;
  observe_event(o, failed);
  EXPECT_EQ(bench_check(c, o), "");
  EXPECT_DOUBLE_EQ(bench_metrics(c, o)["latency_ms"], 100);
}

}  // namespace
}  // namespace launchcheck
