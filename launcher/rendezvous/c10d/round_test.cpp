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
