// End to end: several real refrun processes meeting through the c10d store
// on loopback, real shell workers, real SIGKILL/SIGSTOP. Workers record
// what they saw in files named w_<restart>_<world>_<rank>.
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "c10d_fixture.h"

namespace refrun {

TEST_F(C10dE2E, TwoAgentsGetRanksZeroToSeven) {
  std::string w = script("exit 0");
  Refrun& a = start({"--nnodes=1:2", "--nproc-per-node=4", "--rdzv-id=two",
                     "--rdzv-conf='join_timeout=5,last_call_timeout=1,timeout=5'"},
                    w);
  Refrun& b = start({"--nnodes=1:2", "--nproc-per-node=4", "--rdzv-id=two",
                     "--rdzv-conf='join_timeout=5,last_call_timeout=1,timeout=5'"},
                    w);
  EXPECT_EQ(wait_exit(a), 0) << log_of(a);
  EXPECT_EQ(wait_exit(b), 0) << log_of(b);
  EXPECT_EQ(ranks(0, 8), range(8));
}

TEST_F(C10dE2E, MixedNprocGivesRanksZeroToNine) {
  std::string w = script("exit 0");
  std::vector<Refrun*> all;
  for (int n = 1; n <= 4; ++n)
    all.push_back(&start(
        {"--nnodes=4", "--nproc-per-node=" + std::to_string(n), "--rdzv-id=mixed", fast}, w));
  for (auto* p : all) EXPECT_EQ(wait_exit(*p), 0) << log_of(*p);
  EXPECT_EQ(ranks(0, 10), range(10));
}

TEST_F(C10dE2E, SurvivorsOfAKilledAgentRendezvousAgainAndFinish) {
  // World 12: wait to be stopped. World 8 (after the kill): finish.
  std::string w = script("[ \"$WORLD_SIZE\" = 8 ] && exit 0\nwhile :; do sleep 0.05; done");
  std::vector<std::string> args = {"--nnodes=2:3", "--nproc-per-node=4", "--rdzv-id=kill", fast};
  Refrun& host = start(args, w);
  wait_listening();
  Refrun& b = start(args, w);
  Refrun& victim = start(args, w);
  ASSERT_TRUE(wait_for([&] { return ranks(0, 12).size() == 12; })) << log_of(host);
  kill(victim.pid, SIGKILL);
  EXPECT_EQ(wait_exit(victim), 128 + SIGKILL);
  EXPECT_EQ(wait_exit(host), 0) << log_of(host);
  EXPECT_EQ(wait_exit(b), 0) << log_of(b);
  EXPECT_EQ(ranks(0, 8), range(8));
  EXPECT_NE(log_of(host).find("membership changed"), std::string::npos);
}

TEST_F(C10dE2E, TooFewAgentsFailClearlyWithoutStartingWorkers) {
  std::string w = script("exit 0");
  Refrun& a = start(
      {"--nnodes=2:2", "--rdzv-id=few", "--rdzv-conf=join_timeout=1,keep_alive_interval=0.1"}, w);
  EXPECT_EQ(wait_exit(a), 1);
  std::string log = log_of(a);
  EXPECT_NE(log.find("timed out"), std::string::npos) << log;
  EXPECT_NE(log.find("1 of the 2"), std::string::npos) << log;
  EXPECT_TRUE(worker_pids().empty());
}

TEST_F(C10dE2E, KillingTheStoreHostFailsTheOthersClearly) {
  std::string w = script("while :; do sleep 0.05; done");
  std::vector<std::string> args = {"--nnodes=2", "--nproc-per-node=2", "--rdzv-id=host", fast};
  Refrun& host = start(args, w);
  wait_listening();
  Refrun& b = start(args, w);
  ASSERT_TRUE(wait_for([&] { return ranks(0, 4).size() == 4; }));
  kill(host.pid, SIGKILL);
  EXPECT_EQ(wait_exit(host), 128 + SIGKILL);
  EXPECT_EQ(wait_exit(b, 10s), 1);
  EXPECT_NE(log_of(b).find("rendezvous store"), std::string::npos) << log_of(b);
}

TEST_F(C10dE2E, StoppedAgentIsDroppedAndExitsClearlyWhenContinued) {
  std::string w = script("[ \"$WORLD_SIZE\" = 4 ] && exit 0\nwhile :; do sleep 0.05; done");
  std::vector<std::string> args = {"--nnodes=2:3", "--nproc-per-node=2", "--rdzv-id=stop", fast};
  Refrun& host = start(args, w);
  wait_listening();
  Refrun& b = start(args, w);
  Refrun& stopped = start(args, w);
  ASSERT_TRUE(wait_for([&] { return ranks(0, 6).size() == 6; }));
  auto t0 = std::chrono::steady_clock::now();
  kill(stopped.pid, SIGSTOP);
  ASSERT_TRUE(wait_for([&] { return ranks(0, 4).size() == 4; }));
  std::printf("stopped agent noticed, survivors restarted after %lld ms (window 300 ms)\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - t0)
                                         .count()));
  // Noticed within the keep-alive window (0.3 s); the others finish at world 4.
  EXPECT_EQ(wait_exit(host), 0) << log_of(host);
  EXPECT_EQ(wait_exit(b), 0) << log_of(b);
  EXPECT_EQ(ranks(0, 4), range(4));
  kill(stopped.pid, SIGCONT);
  EXPECT_EQ(wait_exit(stopped), 1);
  EXPECT_NE(log_of(stopped).find("removed this agent"), std::string::npos) << log_of(stopped);
}

TEST_F(C10dE2E, StoppedStoreHostFailsTheOthersWithinTheirWindow) {
  std::string w = script("while :; do sleep 0.05; done");
  std::vector<std::string> args = {
      "--nnodes=2", "--nproc-per-node=2", "--rdzv-id=stophost",
      "--rdzv-conf=join_timeout=1,keep_alive_interval=0.1,keep_alive_max_attempt=3"};
  Refrun& host = start(args, w);
  wait_listening();
  Refrun& b = start(args, w);
  ASSERT_TRUE(wait_for([&] { return ranks(0, 4).size() == 4; }));
  auto t0 = std::chrono::steady_clock::now();
  kill(host.pid, SIGSTOP);
  EXPECT_EQ(wait_exit(b, 10s), 1);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  EXPECT_NE(log_of(b).find("stopped answering"), std::string::npos) << log_of(b);
  std::printf("stopped store host noticed and agent exited after %lld ms (window 300 ms)\n",
              static_cast<long long>(ms.count()));
  // Continued, the host finds itself alone, short of MIN: join_timeout ends it.
  kill(host.pid, SIGCONT);
  EXPECT_EQ(wait_exit(host, 10s), 1);
  EXPECT_NE(log_of(host).find("timed out"), std::string::npos) << log_of(host);
}

TEST_F(C10dE2E, LateJoinerRestartsTheJobWithBiggerMembership) {
  std::string w = script("[ \"$WORLD_SIZE\" = 8 ] && exit 0\nwhile :; do sleep 0.05; done");
  std::vector<std::string> args = {"--nnodes=1:2", "--nproc-per-node=4", "--rdzv-id=late", fast};
  Refrun& a = start(args, w);
  ASSERT_TRUE(wait_for([&] { return ranks(0, 4).size() == 4; })) << log_of(a);
  Refrun& b = start(args, w);
  EXPECT_EQ(wait_exit(a), 0) << log_of(a);
  EXPECT_EQ(wait_exit(b), 0) << log_of(b);
  EXPECT_EQ(ranks(0, 8), range(8));  // restart count unchanged
}

TEST_F(C10dE2E, WorkerFailureOnOneNodeRestartsEveryNodeOnce) {
  // Rank 5 (node 1) fails in attempt 0; everyone else waits to be stopped.
  // In attempt 1 everyone finishes.
  std::string w = script(
      "[ \"$TORCHELASTIC_RESTART_COUNT\" = 1 ] && exit 0\n"
      "[ \"$RANK\" = 5 ] && { sleep 0.2; exit 3; }\n"
      "while :; do sleep 0.05; done");
  std::vector<std::string> args = {"--nnodes=2", "--nproc-per-node=4", "--max-restarts=1",
                                   "--rdzv-id=fail", fast};
  Refrun& a = start(args, w);
  wait_listening();
  Refrun& b = start(args, w);
  EXPECT_EQ(wait_exit(a), 0) << log_of(a);
  EXPECT_EQ(wait_exit(b), 0) << log_of(b);
  EXPECT_EQ(ranks(0, 8), range(8));
  EXPECT_EQ(ranks(1, 8), range(8));
}

TEST_F(C10dE2E, FailureWithNoRestartsLeftEndsEveryNodeAtOnce) {
  // Rank 5 (node 1) fails for good: node 1 closes the rendezvous, node 0
  // stops its workers at once and fails naming node 1; nobody re-forms.
  for (const char* nnodes : {"--nnodes=2", "--nnodes=1:2"}) {
    std::string w = script("[ \"$RANK\" = 5 ] && { sleep 0.2; exit 3; }\nsleep 30");
    std::vector<std::string> args = {nnodes, "--nproc-per-node=4",
                                     std::string("--rdzv-id=end") + nnodes[8], fast};
    Refrun& a = start(args, w);
    wait_listening();
    Refrun& b = start(args, w);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(wait_exit(b, 20s), 1) << log_of(b);
    EXPECT_EQ(wait_exit(a, 20s), 1) << log_of(a);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
    // Which agent is node rank 1 is the rendezvous' choice (under load the
    // later one may come first): the peer is the agent whose own worker did
    // not fail, and only it names the failed node.
    bool a_failed = log_of(a).find("rank      : 5 (") != std::string::npos;
    EXPECT_NE(a_failed, log_of(b).find("rank      : 5 (") != std::string::npos)
        << log_of(a) << log_of(b);
    Refrun& peer = a_failed ? b : a;
    Refrun& failed = a_failed ? a : b;
    EXPECT_NE(log_of(peer).find("the job failed on node rank 1 ("), std::string::npos)
        << log_of(peer);
    EXPECT_EQ(log_of(failed).find("the job failed on node rank"), std::string::npos)
        << log_of(failed);
    EXPECT_EQ(log_of(a).find("restarting"), std::string::npos) << log_of(a);
    EXPECT_EQ(log_of(b).find("restarting"), std::string::npos) << log_of(b);
    EXPECT_EQ(ranks(0, 4), std::set<int>{}) << nnodes;  // never a smaller world
    for (auto& f : fs::directory_iterator(dir))
      if (f.path().filename().string().rfind("w_", 0) == 0) fs::remove(f.path());
    port = common::pick_free_port("127.0.0.1");
  }
}

TEST_F(C10dE2E, GarbageSentToTheStoreDoesNotHurtTheJob) {
  std::string w = script("[ -f \"$D/go\" ] || { while [ ! -f \"$D/go\" ]; do sleep 0.02; done; }");
  std::vector<std::string> args = {"--nnodes=2", "--nproc-per-node=2", "--rdzv-id=junk", fast};
  Refrun& a = start(args, w);
  wait_listening();
  Refrun& b = start(args, w);
  ASSERT_TRUE(wait_for([&] { return ranks(0, 4).size() == 4; }));
  for (std::string bytes : {std::string("garbage\r\n\r\n"), std::string("\x7f\xff\xff\xff", 4)}) {
    std::string err;
    int fd = start_connect("127.0.0.1", port, err);
    ASSERT_GE(fd, 0) << err;
    std::this_thread::sleep_for(20ms);
    send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    std::this_thread::sleep_for(20ms);
    close(fd);
  }
  std::ofstream(dir / "go") << "go\n";
  EXPECT_EQ(wait_exit(a), 0) << log_of(a);
  EXPECT_EQ(wait_exit(b), 0) << log_of(b);
}

TEST_F(C10dE2E, TwoJobsOnTheirOwnEndpointsAtOnce) {
  std::string w = script("exit 0");
  int port2 = common::pick_free_port("127.0.0.1");
  std::vector<Refrun*> all;
  for (int i = 0; i < 2; ++i) {
    all.push_back(&start({"--nnodes=2", "--nproc-per-node=2", "--rdzv-id=jobA", fast}, w));
    all.push_back(&start({"--nnodes=2", "--nproc-per-node=3", "--rdzv-id=jobB", fast}, w, port2));
  }
  for (auto* p : all) EXPECT_EQ(wait_exit(*p), 0) << log_of(*p);
  EXPECT_EQ(ranks(0, 4), range(4));
  EXPECT_EQ(ranks(0, 6), range(6));
}

TEST_F(C10dE2E, DifferentRunIdsOnOneEndpointNeverMix) {
  // Job A hosts the store, so it stays until job B is done.
  std::string wa = script("while [ ! -f \"$D/go\" ]; do sleep 0.02; done");
  std::string wb = script("exit 0");
  Refrun& a1 = start({"--nnodes=2", "--nproc-per-node=2", "--rdzv-id=jobA", fast}, wa);
  wait_listening();
  Refrun& b1 = start({"--nnodes=1", "--nproc-per-node=3", "--rdzv-id=jobB", fast}, wb);
  Refrun& a2 = start({"--nnodes=2", "--nproc-per-node=2", "--rdzv-id=jobA", fast}, wa);
  EXPECT_EQ(wait_exit(b1), 0) << log_of(b1);
  std::ofstream(dir / "go") << "go\n";
  EXPECT_EQ(wait_exit(a1), 0) << log_of(a1);
  EXPECT_EQ(wait_exit(a2), 0) << log_of(a2);
  EXPECT_EQ(ranks(0, 4), range(4));
  EXPECT_EQ(ranks(0, 3), range(3));
}

TEST_F(C10dE2E, SixteenAgentsTimesFourWorkers) {
  std::string w = script("exit 0");
  auto t0 = std::chrono::steady_clock::now();
  std::vector<Refrun*> all;
  for (int i = 0; i < 16; ++i)
    all.push_back(&start({"--nnodes=16", "--nproc-per-node=4", "--rdzv-id=big", fast}, w));
  for (auto* p : all) EXPECT_EQ(wait_exit(*p), 0) << log_of(*p);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  EXPECT_EQ(ranks(0, 64), range(64));
  std::printf("16 agents x 4 workers: %lld ms wall\n", static_cast<long long>(ms.count()));
}

}  // namespace refrun
