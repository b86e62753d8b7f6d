// The `events` check: which ranks recorded a signal, a step result, ...
#include <gtest/gtest.h>

#include "check_test_util.h"

namespace launchcheck {
namespace {

WorkerEvent ev(const char* kind, int rank) {
  WorkerEvent e;
  e.ev = kind;
  e.pid = 300 + rank;
  e.rank = rank;
  return e;
}

std::vector<std::string> judge_events(const std::string& events, const RunRecord& run) {
  return judge_json(R"({"no_survivors": false, "events": )" + events + "}", run);
}

TEST(EventsCheck, MatchesRanksAndCountsByFields) {
  RunRecord run;
  for (int r = 0; r < 2; ++r) {
    auto e = ev("signal", r);
    e.sig = "SIGTERM";
    e.action = "exit";
    run.events.push_back(e);
  }
  auto step = ev("step", 1);
  step.step = "is-launched";
  step.value = "true";
  run.events.push_back(step);
  EXPECT_TRUE(judge_events(R"([{"ev": "signal", "sig": "SIGTERM", "ranks": [1, 0], "count": 2},
      {"ev": "step", "step": "is-launched", "value": "true", "ranks": [1]}])",
                           run)
                  .empty());
}

TEST(EventsCheck, MissingRankOrWrongValueFails) {
  RunRecord run;
  auto e = ev("signal", 0);
  e.sig = "SIGINT";
  run.events.push_back(e);
  auto step = ev("step", 0);
  step.step = "allreduce";
  step.value = "5";
  run.events.push_back(step);
  auto out = judge_events(R"([{"ev": "signal", "sig": "SIGINT", "ranks": [0, 1]},
      {"ev": "step", "step": "allreduce", "value": "6", "count": 1}])",
                          run);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "events signal SIGINT: from ranks [0,1] / from ranks [0]");
  EXPECT_EQ(out[1], "events step allreduce 6: 1 event(s) / 0");
}

// A step text is substituted before the run, like every other string.
TEST(EventsCheck, StepTextIsSubstituted) {
  RunRecord run;
  auto step = ev("step", 0);
  step.step = "touch:/nonexistent-dir";
  run.events.push_back(step);
  EXPECT_TRUE(judge_events(R"([{"ev": "step", "step": "touch:{tmp}", "count": 1}])", run).empty());
}

}  // namespace
}  // namespace launchcheck
