#include "checks.h"

#include <gtest/gtest.h>

namespace {

std::string lcline(const char* stream, int rank, int seq) {
  char buf[128];
  snprintf(buf, sizeof buf, "LCLINE %s r%d %06d %s", stream, rank, seq,
           std::string(64, 'x').c_str());
  return buf;
}

TEST(LineIntegrity, WholePrefixedLinesPass) {
  std::string text;
  for (int r = 0; r < 2; ++r)
    for (int i = 0; i < 3; ++i)
      text += "[default" + std::to_string(r) + "]:" + lcline("stdout", r, i) + "\n";
  auto res = check_lines(text, "stdout", {0, 1}, 3);
  EXPECT_EQ(res.missing + res.duplicated + res.broken, 0) << res.first_problem;
}

TEST(LineIntegrity, FindsMissingDuplicatedAndBrokenLines) {
  std::string text = lcline("stdout", 0, 0) + "\n" + lcline("stdout", 0, 0) + "\n";
  std::string half = lcline("stdout", 0, 2);
  text += half.substr(0, 30) + lcline("stdout", 1, 0) + "\n";  // two lines spliced together
  auto res = check_lines(text, "stdout", {0}, 3);
  EXPECT_EQ(res.duplicated, 1);
  EXPECT_EQ(res.missing, 2);
  EXPECT_EQ(res.broken, 1);
}

TEST(LineIntegrity, OtherStreamIsIgnored) {
  auto res = check_lines(lcline("stderr", 0, 0) + "\n", "stdout", {0}, 1);
  EXPECT_EQ(res.missing, 1);
  EXPECT_EQ(res.broken, 0);
}

TEST(FailureSummary, ParsesTorchelasticFormat) {
  std::string console =
      "Failures:\n  <NO_OTHER_FAILURES>\n------\nRoot Cause (first observed failure):\n[0]:\n"
      "  time      : 2024-01-01_00:00:00\n  host      : h\n  rank      : 2 (local_rank: 2)\n"
      "  exitcode  : -9 (pid: 123)\n  error_file: <N/A>\n";
  auto s = parse_failure_summary(console);
  ASSERT_TRUE(s.found);
  EXPECT_EQ(s.root_cause_rank, 2);
  EXPECT_EQ(s.exit_code, -9);
  EXPECT_TRUE(s.exit_is_signal);
  EXPECT_FALSE(parse_failure_summary("nothing here").found);
}

class RunChecks : public ::testing::Test {
 protected:
  Scenario s;
  RunRecord run;
  Placeholders ph{{{"tmp", "/nonexistent-dir"}}, [] { return 1234; }};

  void SetUp() override {
    s.nodes.resize(1);
    s.nodes[0].name = "n0";
    AgentRecord a;
    a.node = "n0";
    a.pid = 100;
    a.started = a.exited = true;
    a.exit_code = 0;
    run.agents.push_back(a);
    for (int r = 0; r < 2; ++r) {
      WorkerEvent e;
      e.ev = "start";
      e.role = "worker";
      e.pid = 200 + r;
      e.ppid = 100;
      e.rank = r;
      e.attempt = 0;
      e.env = {{"RANK", std::to_string(r)},       {"GROUP_RANK", "0"}, {"LOCAL_WORLD_SIZE", "2"},
               {"LOCAL_RANK", std::to_string(r)}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1234"}};
      run.events.push_back(e);
      WorkerEvent x = e;
      x.ev = "exit";
      x.code = 0;
      run.events.push_back(x);
    }
    run.end_ns = 2'000'000'000;
  }
  std::vector<std::string> checks() {
    std::vector<std::string> out;
    for (auto& f : run_checks(s, run, ph))
      out.push_back(f.check + ": " + f.expected + " / " + f.actual);
    return out;
  }
};

TEST_F(RunChecks, AHealthyRunPasses) {
  s.expect.exit["*"] = {ExitExpect::Kind::kCode, 0, 0};
  s.expect.attempts.push_back({0, std::vector<int>{0, 1}, std::vector<int>{1, 0}});
  s.expect.world_size = 2;
  s.expect.restarts = 0;
  s.expect.rank_arithmetic = true;
  s.expect.env.push_back({"MASTER_PORT", std::string("{port}"), std::nullopt, std::nullopt, true,
                          std::nullopt, "", false});
  s.expect.process_tree = TreeExpect{true, {{"n0", 2}}};
  s.expect.duration_max_s = 5;
  EXPECT_TRUE(checks().empty()) << checks()[0];
}

TEST_F(RunChecks, EachKindCanFail) {
  s.expect.exit["n0"] = {ExitExpect::Kind::kSignal, 0, SIGKILL};
  s.expect.attempts.push_back({0, std::vector<int>{0, 1, 2}, std::nullopt});
  s.expect.world_size = 3;
  s.expect.restarts = 1;
  run.events[2].env["RANK"] = "5";
  s.expect.rank_arithmetic = true;
  s.expect.env.push_back(
      {"NOPE", std::nullopt, std::nullopt, true, false, std::nullopt, "", false});
  s.expect.process_tree = TreeExpect{true, {{"n0", 3}}};
  run.survivors.push_back({999, 1, "sleep 30"});
  s.expect.files.push_back({"{tmp}/*", 1});
  s.expect.duration_min_s = 3;
  s.expect.output.push_back(
      {"", "both", "", std::string("hello"), std::nullopt, std::nullopt, std::nullopt});
  auto c = checks();
  std::string all;
  for (auto& x : c) all += x + "\n";
  for (const char* want :
       {"exit n0: death by SIGKILL / exit code 0", "attempt 0 ranks started: [0,1,2] / [0,1]",
        "world size", "restarts", "rank arithmetic", "env NOPE: set", "process tree n0",
        "no survivors", "files {tmp}/*", "duration", "output console"})
    EXPECT_NE(all.find(want), std::string::npos) << "missing " << want << " in\n" << all;
}

// Four nodes with nproc 1..4: ranks follow the lower nodes' sizes.
TEST_F(RunChecks, RankArithmeticAddsTheLowerNodesSizes) {
  run.events.clear();
  int rank = 0;
  for (int g = 0; g < 4; ++g)
    for (int lr = 0; lr <= g; ++lr, ++rank) {
      WorkerEvent e;
      e.ev = "start";
      e.pid = 300 + rank;
      e.rank = rank;
      e.attempt = 0;
      e.env = {{"RANK", std::to_string(rank)},
               {"GROUP_RANK", std::to_string(g)},
               {"LOCAL_WORLD_SIZE", std::to_string(g + 1)},
               {"LOCAL_RANK", std::to_string(lr)},
               {"WORLD_SIZE", "10"}};
      run.events.push_back(e);
    }
  s.expect.rank_arithmetic = true;
  EXPECT_TRUE(checks().empty()) << checks()[0];
  run.events[3].env["RANK"] = "2";  // node 2's first rank must be 1 + 2 = 3
  ASSERT_EQ(checks().size(), 1u);
  EXPECT_NE(checks()[0].find("rank arithmetic"), std::string::npos);
}

TEST_F(RunChecks, EnvFiltersByNodeAndBySuccess) {
  run.events[0].node = "a";
  run.events[2].node = "b";
  run.events[0].env["TEST_ID"] = "x";
  run.events[2].env["TEST_ID"] = "y";
  EnvExpect on_a{"TEST_ID", std::string("x"), std::nullopt, std::nullopt,
                 false,     std::nullopt,     "",           false};
  on_a.node = "a";
  s.expect.env.push_back(on_a);
  EXPECT_TRUE(checks().empty()) << checks()[0];
  s.expect.env[0].node = "b";
  ASSERT_EQ(checks().size(), 1u);
  EXPECT_NE(checks()[0].find("(node b)"), std::string::npos) << checks()[0];

  // Rank 1 (pid 201) did not exit 0: `succeeded` looks at rank 0 only.
  run.events[3].code = 1;
  EnvExpect ok{"RANK", std::string("0"), std::nullopt, std::nullopt,
               false,  std::nullopt,     "",           false};
  ok.succeeded = true;
  s.expect.env = {ok};
  EXPECT_TRUE(checks().empty()) << checks()[0];
  s.expect.env[0].succeeded = false;
  EXPECT_EQ(checks().size(), 1u);
}

TEST_F(RunChecks, NoWorkersIsSaidOnce) {
  run.events.clear();
  s.expect.world_size = 2;
  s.expect.rank_arithmetic = true;
  s.expect.env.push_back(
      {"RANK", std::nullopt, std::nullopt, true, false, std::nullopt, "", false});
  auto c = checks();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].rfind("workers:", 0), 0u) << c[0];
}

TEST_F(RunChecks, TimeoutAndFaultProblemsAreFailures) {
  run.timed_out = true;
  run.faults.push_back({"/faults/0", "SIGTERM to rank 7's worker", 0, "rank 7 never started"});
  auto c = checks();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].rfind("timeout", 0), 0u);
  EXPECT_EQ(c[1].rfind("fault /faults/0", 0), 0u);
}

}  // namespace
