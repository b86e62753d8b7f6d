#include "fault_scheduler.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

WorkerEvent start(int pid, int rank, int attempt, int world) {
  WorkerEvent e;
  e.ev = "start";
  e.role = "worker";
  e.pid = pid;
  e.rank = rank;
  e.attempt = attempt;
  e.env["WORLD_SIZE"] = std::to_string(world);
  return e;
}

// Regexes arrive compiled, as the ResolvedScenario holds them.
ResolvedFault fault(Trigger t) {
  ResolvedFault f;
  f.when = t;
  if (t.kind == Trigger::Kind::kOutputMatches) f.output_regex.emplace(t.regex);
  return f;
}

TEST(FaultScheduler, AttemptStartedWaitsForTheWholeWorld) {
  Trigger t;
  t.kind = Trigger::Kind::kAttemptStarted;
  t.attempt = 1;
  std::vector<ResolvedFault> faults = {fault(t)};
  FaultScheduler s(faults);
  EXPECT_TRUE(s.on_worker_event(start(1, 0, 0, 2)).empty());
  EXPECT_TRUE(s.on_worker_event(start(2, 1, 0, 2)).empty());  // attempt 0 is not the one
  EXPECT_TRUE(s.on_worker_event(start(3, 0, 1, 2)).empty());
  EXPECT_EQ(s.on_worker_event(start(4, 1, 1, 2)), std::vector<size_t>{0});
  EXPECT_TRUE(s.on_worker_event(start(5, 1, 1, 2)).empty());  // fires once
  EXPECT_FALSE(s.pending());
}

TEST(FaultScheduler, RankStartedHonoursAttempt) {
  Trigger any, second;
  any.kind = second.kind = Trigger::Kind::kRankStarted;
  any.rank = second.rank = 1;
  second.attempt = 1;
  std::vector<ResolvedFault> faults = {fault(any), fault(second)};
  FaultScheduler s(faults);
  EXPECT_EQ(s.on_worker_event(start(1, 1, 0, 2)), std::vector<size_t>{0});
  EXPECT_EQ(s.on_worker_event(start(2, 1, 1, 2)), std::vector<size_t>{1});
}

TEST(FaultScheduler, GrandchildrenAreNotWorkers) {
  Trigger t;
  t.kind = Trigger::Kind::kRankStarted;
  t.rank = 0;
  std::vector<ResolvedFault> faults = {fault(t)};
  FaultScheduler s(faults);
  auto g = start(9, 0, 0, 1);
  g.role = "grandchild";
  EXPECT_TRUE(s.on_worker_event(g).empty());
}

TEST(FaultScheduler, OutputAndAgentExit) {
  Trigger out, out_b, exited;
  out.kind = out_b.kind = Trigger::Kind::kOutputMatches;
  out.regex = out_b.regex = "^ready$";
  out_b.node = "b";
  exited.kind = Trigger::Kind::kAgentExited;
  exited.node = "a";
  std::vector<ResolvedFault> faults = {fault(out), fault(out_b), fault(exited)};
  FaultScheduler s(faults);
  EXPECT_TRUE(s.on_output_line("a", "not ready").empty());
  EXPECT_EQ(s.on_output_line("a", "ready"), std::vector<size_t>{0});
  EXPECT_EQ(s.on_output_line("b", "ready"), std::vector<size_t>{1});
  EXPECT_TRUE(s.on_agent_exit("b").empty());
  EXPECT_EQ(s.on_agent_exit("a"), std::vector<size_t>{2});
}

TEST(FaultScheduler, FragmentsFireOnlyPartialTriggers) {
  Trigger whole, partial;
  whole.kind = partial.kind = Trigger::Kind::kOutputMatches;
  whole.regex = partial.regex = "progress 3/10";
  partial.partial = true;
  std::vector<ResolvedFault> faults = {fault(whole), fault(partial)};
  FaultScheduler s(faults);
  EXPECT_EQ(s.on_output_fragment("a", "[default0]:\rprogress 3/10"), std::vector<size_t>{1});
  EXPECT_EQ(s.on_output_line("a", "[default0]:\rprogress 3/10"), std::vector<size_t>{0});
  EXPECT_TRUE(s.on_output_fragment("a", "").empty());
}

// The regex that was resolved before the run is the one matched: a
// placeholder in it is already its value.
TEST(FaultScheduler, MatchesTheResolvedRegex) {
  Trigger t;
  t.kind = Trigger::Kind::kOutputMatches;
  t.regex = "listening on {port:store}";
  ResolvedFault f;
  f.when = t;
  f.output_regex.emplace("listening on 4242");
  std::vector<ResolvedFault> faults = {f};
  FaultScheduler s(faults);
  EXPECT_TRUE(s.on_output_line("a", "listening on {port:store}").empty());
  EXPECT_EQ(s.on_output_line("a", "listening on 4242"), std::vector<size_t>{0});
}

TEST(FaultScheduler, TimedTriggersAreListed) {
  Trigger t;
  t.kind = Trigger::Kind::kAfter;
  t.seconds = 1.5;
  std::vector<ResolvedFault> faults = {fault(t)};
  FaultScheduler s(faults);
  ASSERT_EQ(s.timed().size(), 1u);
  EXPECT_EQ(s.timed()[0].second, 1.5);
}

}  // namespace
}  // namespace launchcheck
