// `process_tree` under each of the profile's `agent` relations: a wrapper
// that runs the launcher as its child instead of exec'ing it.
#include <gtest/gtest.h>

#include "check_test_util.h"

namespace launchcheck {
namespace {

// python3 wrap.py (pid 100, the launched process) -> refrun (150) -> 2 workers.
RunRecord wrapped_run() {
  RunRecord run;
  AgentRecord a = exited_agent();
  a.argv = {"/opt/wrap.py", "/opt/refrun"};
  run.agents.push_back(a);
  for (int r = 0; r < 2; ++r) {
    WorkerEvent e = worker_start(r, 150);
    e.argv = {"/opt/lc_worker.py", "hang"};
    run.events.push_back(e);
    run.ancestry[e.pid] = {{150, "/opt/refrun --nproc-per-node=2 /opt/lc_worker.py hang"},
                           {100, "python3 /opt/wrap.py /opt/refrun"}};
  }
  return run;
}

const char* kExpect = R"({"process_tree": {"workers_per_agent": {"n0": 2}}})";

std::string all(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += x + "\n";
  return s;
}

TEST(ProcessTree, ANonExecWrapperFailsTheDefaultRelationReadably) {
  auto c = judge_json(kExpect, wrapped_run());
  ASSERT_EQ(c.size(), 2u) << all(c);
  // Names and command lines, not bare pids.
  for (const char* want :
       {"every worker's parent is the launched process", "rank 0 (pid 200 `", "lc_worker.py hang",
        "has parent 150 `/opt/refrun --nproc-per-node=2", "above it 100 `python3 /opt/wrap.py",
        "the launched process of n0 is 100 `"})
    EXPECT_NE(c[0].find(want), std::string::npos) << "missing " << want << " in\n" << c[0];
  EXPECT_EQ(c[1], "process tree n0: 2 worker(s) started as children of the launched process / 0");
}

TEST(ProcessTree, DescendantAcceptsTheWrappersChild) {
  AgentRelation rel;
  rel.kind = AgentRelation::kDescendant;
  auto c = judge_json(kExpect, wrapped_run(), rel);
  EXPECT_TRUE(c.empty()) << all(c);
}

TEST(ProcessTree, CommandMatchesNamesTheParent) {
  AgentRelation rel;
  rel.kind = AgentRelation::kCommandMatches;
  rel.re = Regex("/refrun( |$)");
  auto c = judge_json(kExpect, wrapped_run(), rel);
  EXPECT_TRUE(c.empty()) << all(c);
  rel.re = Regex("bin/torchrun");
  c = judge_json(kExpect, wrapped_run(), rel);
  ASSERT_FALSE(c.empty());
  EXPECT_NE(c[0].find("whose command line matches /bin/torchrun/"), std::string::npos) << c[0];
}

TEST(ProcessTree, AWorkerOutsideTheLaunchedTreeFailsEveryRelation) {
  RunRecord run = wrapped_run();
  for (auto& [pid, chain] : run.ancestry) chain = {{150, "refrun"}, {1, "init"}};
  for (auto kind :
       {AgentRelation::kLaunched, AgentRelation::kDescendant, AgentRelation::kCommandMatches}) {
    AgentRelation rel;
    rel.kind = kind;
    rel.re = Regex("refrun");
    EXPECT_FALSE(judge_json(kExpect, run, rel).empty()) << rel.describe();
  }
}

TEST(ProcessTree, WithoutAncestryTheParentPidStillDecides) {
  RunRecord run = wrapped_run();
  run.ancestry.clear();
  for (auto& e : run.events) e.ppid = 100;
  EXPECT_TRUE(judge_json(kExpect, run).empty());
}

}  // namespace
}  // namespace launchcheck
