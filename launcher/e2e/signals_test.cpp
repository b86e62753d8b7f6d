// Signals to refrun, and that no worker or grandchild outlives it.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "refrun_harness.h"

namespace refrun {

namespace {

pid_t read_pid(const std::string& path) {
  std::ifstream in(path);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

// Waits until every worker and its grandchild have written their pids.
std::vector<pid_t> started_pids(const ScratchDir& dir, int nproc) {
  std::vector<pid_t> pids;
  for (int r = 0; r < nproc; ++r) {
    EXPECT_TRUE(wait_for_file(dir / ("worker_" + std::to_string(r))));
    EXPECT_TRUE(wait_for_file(dir / ("grandchild_" + std::to_string(r))));
    pids.push_back(read_pid(dir / ("worker_" + std::to_string(r))));
    pids.push_back(read_pid(dir / ("grandchild_" + std::to_string(r))));
  }
  for (pid_t p : pids) EXPECT_GT(p, 0);
  return pids;
}

void expect_all_gone(const std::vector<pid_t>& pids) {
  for (pid_t p : pids) {
    bool gone = wait_gone(p);
    EXPECT_TRUE(gone) << "pid " << p << " outlived refrun";
    if (!gone) kill(p, SIGKILL);
  }
  reap_orphans();
}

}  // namespace

TEST(RefrunSignals, SigtermIsForwardedAndRefrunExits143) {
  ScratchDir dir;
  RefrunProcess p({"--nproc-per-node=2", "--no-python", e2e_script("trap_term.sh")},
                  {{"OUT_DIR", dir.path()}}, dir.path());
  auto pids = started_pids(dir, 2);
  kill(p.pid(), SIGTERM);
  EXPECT_EQ(p.wait(), 143);
  EXPECT_EQ(read_file(dir / "sig_0"), "TERM\n");
  EXPECT_EQ(read_file(dir / "sig_1"), "TERM\n");
  EXPECT_NE(p.err().find("received SIGTERM"), std::string::npos) << p.err();
  expect_all_gone(pids);
}

TEST(RefrunSignals, SigintIsForwardedAsSigint) {
  ScratchDir dir;
  RefrunProcess p({"--nproc-per-node=1", "--no-python", e2e_script("trap_term.sh")},
                  {{"OUT_DIR", dir.path()}}, dir.path());
  auto pids = started_pids(dir, 1);
  kill(p.pid(), SIGINT);
  EXPECT_EQ(p.wait(), 130);
  EXPECT_EQ(read_file(dir / "sig_0"), "INT\n");
  expect_all_gone(pids);
}

TEST(RefrunSignals, WorkersIgnoringSigtermAreKilledAfterTheGracePeriod) {
  ScratchDir dir;
  RefrunProcess p(
      {"--nproc-per-node=2", "--stop-timeout=0.2", "--no-python", e2e_script("trap_term.sh")},
      {{"OUT_DIR", dir.path()}, {"IGNORE_TERM", "1"}}, dir.path());
  auto pids = started_pids(dir, 2);
  kill(p.pid(), SIGTERM);
  EXPECT_EQ(p.wait(), 143);
  EXPECT_FALSE(file_exists(dir / "sig_0"));
  expect_all_gone(pids);
}

TEST(RefrunSignals, SigkillOfRefrunLeavesNoWorkerOrGrandchild) {
  ScratchDir dir;
  RefrunProcess p({"--nproc-per-node=3", "--no-python", e2e_script("trap_term.sh")},
                  {{"OUT_DIR", dir.path()}, {"IGNORE_TERM", "1"}}, dir.path());
  auto pids = started_pids(dir, 3);
  kill(p.pid(), SIGKILL);
  EXPECT_EQ(p.wait(), 128 + SIGKILL);
  expect_all_gone(pids);
}

TEST(RefrunSignals, FailureStopsTheOthersAndTheirChildren) {
  ScratchDir dir;
  RefrunProcess p(
      {"--nproc-per-node=2", "--stop-timeout=0.2", "--no-python", e2e_script("trap_term.sh")},
      {{"OUT_DIR", dir.path()}, {"IGNORE_TERM", "1"}}, dir.path());
  auto pids = started_pids(dir, 2);
  kill(pids[0], SIGKILL);  // rank 0's worker dies by a signal
  EXPECT_EQ(p.wait(), 1);
  EXPECT_NE(p.err().find("exitcode  : -9"), std::string::npos) << p.err();
  EXPECT_NE(p.err().find("Signal 9 (SIGKILL) received by PID"), std::string::npos);
  expect_all_gone(pids);
}

TEST(RefrunSignals, SignalsToHandleChoosesTheSignals) {
  ScratchDir dir;
  RefrunProcess p(
      {"--nproc-per-node=1", "--signals-to-handle=USR1", "--no-python", e2e_script("trap_term.sh")},
      {{"OUT_DIR", dir.path()}}, dir.path());
  auto pids = started_pids(dir, 1);
  kill(p.pid(), SIGUSR1);  // forwarded: the shell worker dies of it
  EXPECT_EQ(p.wait(), 128 + SIGUSR1);
  EXPECT_NE(p.err().find("received SIGUSR1"), std::string::npos) << p.err();
  expect_all_gone(pids);
}

}  // namespace refrun
