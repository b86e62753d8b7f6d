// Every family of checks against a small recorded run: a healthy one passes
// them all, and each can fail.
#include <gtest/gtest.h>

#include <chrono>

#include "check_test_util.h"

namespace launchcheck {
namespace {

class Judge : public ::testing::Test {
 protected:
  RunRecord run;

  void SetUp() override {
    run.agents.push_back(exited_agent());
    for (int r = 0; r < 2; ++r) {
      WorkerEvent e = worker_start(r, 100);
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
  std::vector<std::string> checks(const std::string& expect) { return judge_json(expect, run); }
  static std::string all(const std::vector<std::string>& v) {
    std::string s;
    for (auto& x : v) s += x + "\n";
    return s;
  }
};

TEST_F(Judge, AHealthyRunPasses) {
  auto c = checks(R"({"exit": 0, "attempts": [{"attempt": 0, "started": [0, 1], "succeeded": [1, 0]}],
    "world_size": 2, "restarts": 0, "rank_arithmetic": true,
    "env": [{"var": "MASTER_PORT", "equals": "{port}", "same_across_ranks": true}],
    "process_tree": {"workers_per_agent": {"n0": 2}}, "duration_s": {"max": 5}})");
  EXPECT_TRUE(c.empty()) << all(c);
}

TEST_F(Judge, EachKindCanFail) {
  run.events[2].env["RANK"] = "5";
  run.survivors.push_back({999, 1, "sleep 30"});
  auto c = checks(R"({"exit": {"n0": "SIGKILL"}, "attempts": [{"started": [0, 1, 2]}],
    "world_size": 3, "restarts": 1, "rank_arithmetic": true, "env": [{"var": "NOPE", "present": true}],
    "process_tree": {"workers_per_agent": {"n0": 3}}, "files": [{"glob": "{tmp}/*", "count": 1}],
    "duration_s": {"min": 3}, "output": [{"contains": "hello"}]})");
  for (const char* want :
       {"exit n0: death by SIGKILL / exit code 0", "attempt 0 ranks started: [0,1,2] / [0,1]",
        "world size", "restarts", "rank arithmetic", "env NOPE: set", "process tree n0",
        "no survivors", "files {tmp}/*: 1 path(s) matching / 0", "duration",
        "output console"})
    EXPECT_NE(all(c).find(want), std::string::npos) << "missing " << want << " in\n" << all(c);
}

// The failures come in the table's order, after the run's own health.
TEST_F(Judge, FailuresFollowTheTable) {
  run.timed_out = true;
  auto c = checks(R"({"duration_s": {"min": 3}, "exit": 4, "world_size": 3})");
  ASSERT_EQ(c.size(), 4u) << all(c);
  EXPECT_EQ(c[0].rfind("timeout:", 0), 0u);
  EXPECT_EQ(c[1].rfind("exit n0:", 0), 0u);
  EXPECT_EQ(c[2].rfind("world size:", 0), 0u);
  EXPECT_EQ(c[3].rfind("duration:", 0), 0u);
}

// Four nodes with nproc 1..4: ranks follow the lower nodes' sizes.
TEST_F(Judge, RankArithmeticAddsTheLowerNodesSizes) {
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
  const char* expect = R"({"rank_arithmetic": true, "no_survivors": false})";
  EXPECT_TRUE(checks(expect).empty()) << all(checks(expect));
  run.events[3].env["RANK"] = "2";  // node 2's first rank must be 1 + 2 = 3
  ASSERT_EQ(checks(expect).size(), 1u);
  EXPECT_NE(checks(expect)[0].find("rank arithmetic"), std::string::npos);
}

TEST_F(Judge, EnvFiltersByNodeAndBySuccess) {
  run.events[0].node = "a";
  run.events[2].node = "b";
  run.events[0].env["TEST_ID"] = "x";
  run.events[2].env["TEST_ID"] = "y";
  EXPECT_TRUE(checks(R"({"env": [{"var": "TEST_ID", "equals": "x", "node": "a"}]})").empty());
  auto on_b = checks(R"({"env": [{"var": "TEST_ID", "equals": "x", "node": "b"}]})");
  ASSERT_EQ(on_b.size(), 1u);
  EXPECT_NE(on_b[0].find("(node b)"), std::string::npos) << on_b[0];

  // Rank 1 (pid 201) did not exit 0: `succeeded` looks at rank 0 only.
  run.events[3].code = 1;
  EXPECT_TRUE(checks(R"({"env": [{"var": "RANK", "equals": "0", "succeeded": true}]})").empty());
  EXPECT_EQ(checks(R"({"env": [{"var": "RANK", "equals": "0"}]})").size(), 1u);
}

TEST_F(Judge, EnvRegexIsMatchedWhole) {
  EXPECT_TRUE(checks(R"({"env": [{"var": "MASTER_PORT", "regex": "[0-9]{4}"}]})").empty());
  auto c = checks(R"({"env": [{"var": "MASTER_PORT", "regex": "[0-9]{3}"}]})");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], "env MASTER_PORT: matches /[0-9]{3}/ / rank 0 (pid 200): \"1234\"");
}

TEST_F(Judge, NoWorkersIsSaidOnce) {
  run.events.clear();
  auto c = checks(R"({"world_size": 2, "rank_arithmetic": true,
                      "env": [{"var": "RANK", "present": true}]})");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0],
            "workers: workers start (checked by world_size, env, rank_arithmetic) / no worker "
            "started");
}

// A scenario may expect that no worker starts at all: that is judged as such.
TEST_F(Judge, ExpectingNoWorkersIsNotAFailureOfTheirs) {
  run.events.clear();
  EXPECT_TRUE(checks(R"({"attempts": [{"attempt": 0, "started": []}], "restarts": -1})").empty());
  EXPECT_EQ(checks(R"({"restarts": 0})").size(), 1u);
}

TEST_F(Judge, TimeoutAndFaultProblemsAreFailures) {
  run.timed_out = true;
  run.faults.push_back({"/faults/0", "SIGTERM to rank 7's worker", 0, "rank 7 never started"});
  auto c = checks("{}");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].rfind("timeout", 0), 0u);
  EXPECT_EQ(c[1].rfind("fault /faults/0", 0), 0u);
}

TEST_F(Judge, OutputCountsAndRegexLines) {
  run.agents[0].out = "ready\nready\n";
  run.agents[0].err = "ERROR x{3}\n";
  EXPECT_TRUE(checks(R"({"output": [{"contains": "ready", "count": 2},
    {"regex": "^ERROR x\\{3\\}$", "stream": "stderr"}, {"not_contains": "panic"}]})")
                  .empty());
  auto c = checks(R"({"output": [{"regex": "^ready$", "count": 1, "node": "n0"}]})");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].rfind("output console of n0: 1 line(s) matching /^ready$/ / 2 line(s)", 0), 0u)
      << c[0];
}

TEST_F(Judge, FailureSummaryReadsTheFirstNodesConsole) {
  run.agents[0].err = "Root Cause (first observed failure):\n  rank      : 1 (local_rank: 1)\n"
                      "  exitcode  : 3 (pid: 7)\n";
  EXPECT_TRUE(checks(R"({"failure_summary": {"root_cause_rank": 1, "exit_code": 3}})").empty());
  auto c = checks(R"({"failure_summary": {"root_cause_rank": 0}})");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], "failure summary root cause rank: 0 / 1");
}

// Issue 12, item 8: "(a*)*b" kept the check phase running for 40 s and more.
TEST_F(Judge, BacktrackingRegexDoesNotStallTheJudge) {
  run.agents[0].out = std::string(100000, 'a') + "\nready\n";
  auto t0 = std::chrono::steady_clock::now();
  auto c = checks(R"({"output": [{"regex": "(a*)*b", "count": 0}], "no_survivors": false})");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_TRUE(c.empty()) << all(c);
}

// Issue 12, item 7: get<int>() read 4294967296 as 0, so [0] passed.
TEST_F(Judge, RanksBeyondAnIntAreRefusedNotTruncated) {
  try {
    checks(R"({"attempts": [{"attempt": 0, "started": [4294967296]}]})");
    FAIL() << "accepted";
  } catch (const JsonFieldError& e) {
    EXPECT_EQ(e.pointer(), "/expect/attempts/0/started/0");
    EXPECT_STREQ(e.what(), "expected an integer from 0 to 2147483647, got 4294967296");
  }
}

// What the launcher under test reports is untrusted too: a GROUP_RANK of
// 2^31-1 made the judge count to it, 99999999999 to that.
TEST_F(Judge, HugeGroupRankFailsRankArithmeticAtOnce) {
  for (const char* g : {"2147483647", "99999999999"}) {
    run.events[0].env["GROUP_RANK"] = g;
    auto t0 = std::chrono::steady_clock::now();
    auto c = checks(R"({"rank_arithmetic": true, "no_survivors": false})");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1)) << g;
    ASSERT_EQ(c.size(), 1u) << all(c);
    EXPECT_NE(c[0].find("rank arithmetic"), std::string::npos);
  }
}

// A root-cause exit code beyond an int threw std::out_of_range out of the judge.
TEST_F(Judge, FailureSummaryWithAbsurdNumbersIsAFailureNotACrash) {
  run.agents[0].err = "Root Cause (first observed failure):\n  rank      : 99999999999\n"
                      "  exitcode  : 99999999999 (pid: 7)\n";
  auto c = checks(R"({"failure_summary": {"root_cause_rank": 1}, "no_survivors": false})");
  ASSERT_EQ(c.size(), 1u) << all(c);
}

// A launcher's JSON file is read up to 16 MiB: one just over is refused
// without parsing, one inside is judged by its pointer.
TEST_F(Judge, JsonFilesAreReadUpToTheirLimit) {
  char dir[] = "/tmp/lc-jsonfiles-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string small = std::string(dir) + "/small.json", big = std::string(dir) + "/big.json";
  FILE* f = fopen(small.c_str(), "w");
  fputs(R"({"message": {"message": "boom"}})", f);
  fclose(f);
  f = fopen(big.c_str(), "w");
  std::string pad((16 << 20) - 7, ' ');
  fprintf(f, "{%s\"a\": 1}", pad.c_str());  // 16 MiB + 1 byte
  fclose(f);
  auto ok = checks(R"({"json_files": [{"file": ")" + small +
                   R"(", "pointer": "/message/message", "equals": "boom"}]})");
  EXPECT_TRUE(ok.empty()) << all(ok);
  auto over = checks(R"({"json_files": [{"file": ")" + big + R"(", "pointer": "/a", "equals": 1}]})");
  EXPECT_NE(all(over).find("a file over 16 MiB"), std::string::npos) << all(over);
  std::remove(small.c_str());
  std::remove(big.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace launchcheck
