#include "rendezvous/c10d/round.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace refrun {

using ::testing::_;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::StrictMock;
using namespace std::chrono_literals;

namespace {

class MockSink : public RoundSink {
 public:
  MOCK_METHOD(void, round_complete, (const std::string&, const RoundAssignment&), (override));
  MOCK_METHOD(void, join_failed, (const std::string&, const std::string&), (override));
  MOCK_METHOD(void, membership_change, (const std::string&), (override));
  MOCK_METHOD(void, barrier_done, (const std::string&), (override));
};

auto Assigned(int round, int rank, int nodes, int offset, int world, int restarts) {
  return AllOf(Field(&RoundAssignment::round, round), Field(&RoundAssignment::group_rank, rank),
               Field(&RoundAssignment::group_world_size, nodes),
               Field(&RoundAssignment::rank_offset, offset),
               Field(&RoundAssignment::world_size, world),
               Field(&RoundAssignment::restart_count, restarts));
}

// A fake clock: tests move time by hand instead of waiting.
struct RoundTest : ::testing::Test {
  StrictMock<MockSink> sink;
  RoundStateMachine::TimePoint now{};
  std::unique_ptr<RoundStateMachine> sm;

  void make(int min, int max, std::chrono::milliseconds last_call = 30s) {
    sm = std::make_unique<RoundStateMachine>("job", min, max, last_call, sink);
    mins = min;
    maxs = max;
  }
  void join(const std::string& id, int nproc = 4, int restarts = 0,
            std::chrono::milliseconds timeout = 600s) {
    EXPECT_EQ(sm->join({id, nproc, restarts}, mins, maxs, timeout, now), "");
  }
  void advance(std::chrono::milliseconds d) {
    now += d;
    sm->tick(now);
  }
  int mins = 1, maxs = 1;
};

}  // namespace

TEST_F(RoundTest, CompletesAtMaxWithoutWaitingForLastCall) {
  make(1, 2);
  join("a");
  InSequence s;
  EXPECT_CALL(sink, round_complete("a", Assigned(0, 0, 2, 0, 8, 0)));
  EXPECT_CALL(sink, round_complete("b", Assigned(0, 1, 2, 4, 8, 0)));
  join("b");
}

TEST_F(RoundTest, CompletesAtMinOnlyAfterLastCall) {
  make(1, 2, 1000ms);
  join("a");
  ASSERT_TRUE(sm->next_deadline().has_value());
  advance(999ms);  // nothing yet: StrictMock fails on any call
  EXPECT_CALL(sink, round_complete("a", Assigned(0, 0, 1, 0, 4, 0)));
  advance(1ms);
}

TEST_F(RoundTest, JoinTimeoutWithTooFewAgentsFailsClearly) {
  make(2, 2);
  join("a", 4, 0, 5000ms);
  advance(4999ms);
  EXPECT_CALL(sink, join_failed("a", AllOf(HasSubstr("timed out"), HasSubstr("1 of the 2"))));
  advance(1ms);
  EXPECT_EQ(sm->waiting(), 0u);
}

TEST_F(RoundTest, MixedNprocGivesContiguousRanks) {
  make(4, 4);
  join("a", 1);
  join("b", 2);
  join("c", 3);
  InSequence s;
  EXPECT_CALL(sink, round_complete("a", Assigned(0, 0, 4, 0, 10, 0)));
  EXPECT_CALL(sink, round_complete("b", Assigned(0, 1, 4, 1, 10, 0)));
  EXPECT_CALL(sink, round_complete("c", Assigned(0, 2, 4, 3, 10, 0)));
  EXPECT_CALL(sink, round_complete("d", Assigned(0, 3, 4, 6, 10, 0)));
  join("d", 4);
}

TEST_F(RoundTest, MismatchedNnodesIsRejected) {
  make(1, 2);
  join("a");
  EXPECT_THAT(sm->join({"b", 1, 0}, 2, 3, 10s, now), HasSubstr("does not match"));
}

struct RunningRound : RoundTest {
  // Three agents (2:3) completed round 0 with ranks a=0, b=1, c=2.
  void SetUp() override {
    make(2, 3);
    EXPECT_CALL(sink, round_complete(_, _)).Times(3);
    join("a");
    join("b");
    join("c");
    ::testing::Mock::VerifyAndClearExpectations(&sink);
  }
};

TEST_F(RunningRound, LostMemberMakesSurvivorsRejoinAndCompleteAtOnce) {
  EXPECT_CALL(sink, membership_change("a"));
  EXPECT_CALL(sink, membership_change("c"));
  sm->remove("b", now);
  join("a");
  InSequence s;
  EXPECT_CALL(sink, round_complete("a", Assigned(1, 0, 2, 0, 8, 0)));
  EXPECT_CALL(sink, round_complete("c", Assigned(1, 1, 2, 4, 8, 0)));
  join("c");  // all live members are back: no last-call wait
}

TEST_F(RunningRound, WorkerFailureRestartCountIsTheMaxEverywhere) {
  EXPECT_CALL(sink, membership_change("a"));
  EXPECT_CALL(sink, membership_change("c"));
  join("b", 4, 1);  // b's workers failed: it asks for a new round
  join("a");
  EXPECT_CALL(sink, round_complete("a", Assigned(1, 0, 3, 0, 12, 1)));
  EXPECT_CALL(sink, round_complete("b", Assigned(1, 1, 3, 4, 12, 1)));
  EXPECT_CALL(sink, round_complete("c", Assigned(1, 2, 3, 8, 12, 1)));
  join("c");
}

TEST_F(RunningRound, NewcomerWaitsWhenTheRoundIsFull) {
  join("d");  // 3 running = max: nobody is disturbed
  EXPECT_EQ(sm->waiting(), 1u);
}

TEST_F(RunningRound, BarrierReleasesWhenAllArrivedOrLeft) {
  sm->barrier("a", 0, now);
  sm->barrier("b", 0, now);
  EXPECT_CALL(sink, barrier_done("a"));
  EXPECT_CALL(sink, barrier_done("b"));
  // c leaves without reaching the barrier (e.g. its workers failed for good)
  // and nobody is left running to tell.
  sm->remove("c", now);
  ::testing::Mock::VerifyAndClearExpectations(&sink);
  // A stale round has nothing to wait for.
  EXPECT_CALL(sink, barrier_done("x"));
  sm->barrier("x", 5, now);
}

// Issue 12, item 2: a third agent on a running --nnodes=1:2 job got a round
// of its own after last_call (WORLD_SIZE=1 beside the real job), and
// complete() cleared the running round's members.
struct FullOneToTwoJob : RoundTest {
  void SetUp() override {
    make(1, 2, 1000ms);
    EXPECT_CALL(sink, round_complete(_, _)).Times(2);
    join("a");
    join("b");
    ::testing::Mock::VerifyAndClearExpectations(&sink);
  }
};

TEST_F(FullOneToTwoJob, ThirdAgentWaitsPastLastCallAndNobodyIsDisturbed) {
  join("c", 4, 0, 60000ms);
  for (int i = 0; i < 50; ++i) advance(1000ms);  // StrictMock: no round, no change
  EXPECT_EQ(sm->waiting(), 1u);
  EXPECT_TRUE(sm->has_node("a"));
  EXPECT_TRUE(sm->has_node("b"));
  EXPECT_EQ(sm->completed_rounds(), 1);
}

TEST_F(FullOneToTwoJob, TwoNewcomersReachingMaxDoNotFormASecondJob) {
  join("c");
  join("d");  // joining == max, but a and b still run
  advance(5000ms);
  EXPECT_EQ(sm->waiting(), 2u);
  EXPECT_EQ(sm->completed_rounds(), 1);
}

TEST_F(FullOneToTwoJob, RunningMembersSurviveAndTheNewcomerGetsTheFreedSlot) {
  join("c");
  advance(2000ms);
  // b dies: a is told to rejoin; c still waits while a runs.
  EXPECT_CALL(sink, membership_change("a"));
  sm->remove("b", now);
  advance(2000ms);
  ::testing::Mock::VerifyAndClearExpectations(&sink);
  InSequence s;
  EXPECT_CALL(sink, round_complete("a", Assigned(1, 0, 2, 0, 8, 0)));
  EXPECT_CALL(sink, round_complete("c", Assigned(1, 1, 2, 4, 8, 0)));
  join("a");
}

TEST_F(FullOneToTwoJob, WaitingThirdAgentFailsAtItsJoinTimeout) {
  join("c", 4, 0, 3000ms);
  advance(2999ms);
  EXPECT_CALL(sink, join_failed("c", HasSubstr("timed out")));
  advance(1ms);
  EXPECT_TRUE(sm->has_node("a"));
}

// Issue 12, item 7: two nodes with nproc 2^31-1 got world_size -2.
TEST_F(RoundTest, NprocBeyondTheCapIsRefusedAndWorldSizeNeverOverflows) {
  make(2, 2);
  EXPECT_THAT(sm->join({"a", 2147483647, 0}, 2, 2, 10s, now), HasSubstr("nproc"));
  make(1, 5000, 1000ms);
  for (int i = 0; i <= 4096; ++i) join("n" + std::to_string(i), 4096);
  // 4096 nodes of 4096 workers make 2^24, the cap; the last one waits.
  EXPECT_CALL(sink, round_complete(_, Field(&RoundAssignment::world_size, 1 << 24))).Times(4096);
  advance(1000ms);
  EXPECT_EQ(sm->waiting(), 1u);
}

TEST(RoundLateJoiner, ArrivalAtRunningJobRestartsWithBiggerMembership) {
  StrictMock<MockSink> sink;
  RoundStateMachine sm("job", 1, 2, 1000ms, sink);
  RoundStateMachine::TimePoint now{};
  EXPECT_EQ(sm.join({"a", 4, 0}, 1, 2, 600s, now), "");
  EXPECT_CALL(sink, round_complete("a", Assigned(0, 0, 1, 0, 4, 0)));
  now += 1000ms;
  sm.tick(now);
  EXPECT_CALL(sink, membership_change("a"));
  EXPECT_EQ(sm.join({"b", 4, 0}, 1, 2, 600s, now), "");
  EXPECT_CALL(sink, round_complete("a", Assigned(1, 0, 2, 0, 8, 0)));
  EXPECT_CALL(sink, round_complete("b", Assigned(1, 1, 2, 4, 8, 0)));
  EXPECT_EQ(sm.join({"a", 4, 0}, 1, 2, 600s, now), "");
}

}  // namespace refrun
