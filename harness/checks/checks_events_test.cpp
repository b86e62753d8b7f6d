// The `events` check: which ranks recorded a signal, a step result, ...
#include <gtest/gtest.h>

#include "checks.h"

namespace {

WorkerEvent ev(const char* kind, int rank) {
  WorkerEvent e;
  e.ev = kind;
  e.pid = 300 + rank;
  e.rank = rank;
  return e;
}

std::vector<std::string> judge(const std::vector<EventExpect>& want, const RunRecord& run) {
  Scenario s;
  s.nodes.resize(1);
  s.nodes[0].name = "n0";
  s.expect.no_survivors = false;
  s.expect.events = want;
  Placeholders ph{{{"tmp", "/nonexistent-dir"}}, [] { return 1234; }};
  std::vector<std::string> out;
  for (auto& f : run_checks(s, run, ph))
    out.push_back(f.check + ": " + f.expected + " / " + f.actual);
  return out;
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
  EventExpect sig{
      "signal", "SIGTERM", std::nullopt, std::nullopt, std::nullopt, std::vector<int>{1, 0}, 2};
  EventExpect launched{"step", std::nullopt,        std::nullopt, "is-launched",
                       "true", std::vector<int>{1}, std::nullopt};
  EXPECT_TRUE(judge({sig, launched}, run).empty());
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
  EventExpect sig{"signal",     "SIGINT",     std::nullopt,
                  std::nullopt, std::nullopt, std::vector<int>{0, 1},
                  std::nullopt};
  EventExpect sum{"step", std::nullopt, std::nullopt, "allreduce", "6", std::nullopt, 1};
  auto out = judge({sig, sum}, run);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "events signal SIGINT: from ranks [0,1] / from ranks [0]");
  EXPECT_EQ(out[1], "events step allreduce 6: 1 event(s) / 0");
}

}  // namespace
