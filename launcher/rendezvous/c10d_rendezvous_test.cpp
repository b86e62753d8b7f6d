// Several c10d agents in one process, on one EventLoop, over real loopback
// sockets: the same code paths as separate refrun processes.
#include "rendezvous/c10d_rendezvous.h"
#include "rendezvous/test_agent.h"

#include <gtest/gtest.h>

#include <optional>

#include "common/free_port.h"
#include "rendezvous/c10d/socket.h"
#include "rendezvous/c10d/test_util.h"

namespace refrun {

using namespace std::chrono_literals;

namespace {

using Agent = testing::TestAgent<C10dRendezvous>;

struct C10dTest : ::testing::Test {
  common::EventLoop loop;
  std::string endpoint;
  std::vector<std::unique_ptr<Agent>> agents;

  void SetUp() override {
    int port = common::pick_free_port("127.0.0.1");
    endpoint = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override {
    for (auto& a : agents)
      if (a->rdzv) a->rdzv->shutdown();
  }

  RendezvousParams params(int min, int max, int nproc = 4, std::string run_id = "job") {
    RendezvousParams p;
    p.backend = "c10d";
    p.endpoint = endpoint;
    p.run_id = run_id;
    p.min_nodes = min;
    p.max_nodes = max;
    p.nproc_per_node = nproc;
    p.conf = {{"join_timeout", "10"},
              {"last_call_timeout", "0.2"},
              {"keep_alive_interval", "0.05"},
              {"keep_alive_max_attempt", "4"}};
    return p;
  }
  Agent& add(const RendezvousParams& p) {
    agents.push_back(std::make_unique<Agent>());
    Agent& a = *agents.back();
    a.rdzv = std::make_unique<C10dRendezvous>(loop, p);
    a.rdzv->on_membership_change([&a] { ++a.changes; });
    a.rdzv->on_lost([&a](const std::string& why) { a.lost = why; });
    return a;
  }
  bool all_settled(std::vector<Agent*> which) {
    return run_until(loop, [&] {
      for (auto* a : which)
        if (!a->settled()) return false;
      return true;
    });
  }
};

}  // namespace

TEST_F(C10dTest, TwoAgentsGetRanksZeroToSevenAndOneMaster) {
  Agent& a = add(params(1, 2));
  Agent& b = add(params(1, 2));
  EXPECT_TRUE(a.rdzv->is_host());
  EXPECT_FALSE(b.rdzv->is_host());
  a.next_round();
  b.next_round();
  ASSERT_TRUE(all_settled({&a, &b}));
  ASSERT_TRUE(a.result && b.result) << a.error << b.error;
  EXPECT_EQ(a.result->world_size, 8);
  EXPECT_EQ(a.result->group_world_size, 2);
  EXPECT_EQ(a.result->group_rank + b.result->group_rank, 1);
  EXPECT_EQ(a.result->rank_offset + b.result->rank_offset, 4);
  EXPECT_EQ(a.result->master_addr, "127.0.0.1");
  EXPECT_GT(a.result->master_port, 0);
  EXPECT_EQ(a.result->master_port, b.result->master_port);
  EXPECT_FALSE(a.result->use_agent_store);

  // Exit barrier: both released, then the endpoint is free at once.
  a.rdzv->exit_barrier([&] { a.barrier_done = true; }, [](const std::string& e) { FAIL() << e; });
  EXPECT_TRUE(run_until(
                  loop, [&] { return false; }, 100ms) == false);
  EXPECT_FALSE(a.barrier_done);  // b has not finished yet
  b.rdzv->exit_barrier([&] { b.barrier_done = true; }, [](const std::string& e) { FAIL() << e; });
  ASSERT_TRUE(run_until(loop, [&] { return b.barrier_done; }));
  b.rdzv->shutdown();  // the host waits for b to leave before its barrier ends
  ASSERT_TRUE(run_until(loop, [&] { return a.barrier_done; }));
  a.rdzv->shutdown();
  EXPECT_EQ(a.changes + b.changes, 0);
  std::string err;
  bool in_use = false;
  int fd = listen_c10d("127.0.0.1", std::stoi(endpoint.substr(10)), err, in_use);
  EXPECT_GE(fd, 0) << err;
  if (fd >= 0) close(fd);
}

TEST_F(C10dTest, MixedNprocGivesContiguousGlobalRanks) {
  std::vector<Agent*> all;
  for (int nproc = 1; nproc <= 4; ++nproc) all.push_back(&add(params(4, 4, nproc)));
  for (auto* a : all) a->next_round();
  ASSERT_TRUE(all_settled(all));
  std::vector<int> owner(10, -1);
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_TRUE(all[i]->result) << all[i]->error;
    EXPECT_EQ(all[i]->result->world_size, 10);
    for (int r = 0; r < static_cast<int>(i) + 1; ++r) {
      int g = all[i]->result->rank_offset + r;
      ASSERT_LT(g, 10);
      EXPECT_EQ(owner[g], -1) << "rank " << g << " given twice";
      owner[g] = static_cast<int>(i);
    }
  }
}

TEST_F(C10dTest, TooFewAgentsFailAfterJoinTimeout) {
  auto p = params(2, 2);
  p.conf["join_timeout"] = "0.3";
  Agent& a = add(p);
  a.next_round();
  ASSERT_TRUE(all_settled({&a}));
  EXPECT_FALSE(a.result);
  EXPECT_NE(a.error.find("timed out"), std::string::npos) << a.error;
  EXPECT_NE(a.error.find("1 of the 2"), std::string::npos) << a.error;
}

TEST_F(C10dTest, LostAgentMakesSurvivorsRendezvousAgain) {
  Agent& a = add(params(2, 3));
  Agent& b = add(params(2, 3));
  Agent& c = add(params(2, 3));
  for (auto* x : {&a, &b, &c}) x->next_round();
  ASSERT_TRUE(all_settled({&a, &b, &c}));
  ASSERT_EQ(a.result->world_size, 12);
  c.rdzv->shutdown();  // its connection drops, as when the process dies
  ASSERT_TRUE(run_until(loop, [&] { return a.changes == 1 && b.changes == 1; }));
  a.next_round();
  b.next_round();
  ASSERT_TRUE(all_settled({&a, &b}));
  ASSERT_TRUE(a.result && b.result) << a.error << b.error;
  EXPECT_EQ(a.result->world_size, 8);
  EXPECT_EQ(a.result->round, 1);
  EXPECT_EQ(a.result->restart_count, 0);
}

TEST_F(C10dTest, LateJoinerRestartsTheRunningAgentWithBiggerMembership) {
  Agent& a = add(params(1, 2));
  a.next_round();
  ASSERT_TRUE(all_settled({&a}));  // alone after last_call
  EXPECT_EQ(a.result->world_size, 4);
  Agent& b = add(params(1, 2));
  b.next_round();
  ASSERT_TRUE(run_until(loop, [&] { return a.changes == 1; }));
  a.next_round(0);
  ASSERT_TRUE(all_settled({&a, &b}));
  EXPECT_EQ(a.result->world_size, 8);
  EXPECT_EQ(b.result->world_size, 8);
  EXPECT_EQ(a.result->restart_count, 0);
  EXPECT_EQ(b.result->restart_count, 0);
}

TEST_F(C10dTest, WorkerFailureOnOneNodeRestartsEveryNodeWithTheSameCount) {
  Agent& a = add(params(2, 2));
  Agent& b = add(params(2, 2));
  a.next_round();
  b.next_round();
  ASSERT_TRUE(all_settled({&a, &b}));
  b.next_round(1);  // b's workers failed; it spends a restart
  ASSERT_TRUE(run_until(loop, [&] { return a.changes == 1; }));
  a.next_round(0);
  ASSERT_TRUE(all_settled({&a, &b}));
  EXPECT_EQ(a.result->restart_count, 1);
  EXPECT_EQ(b.result->restart_count, 1);
  EXPECT_EQ(a.result->round, 1);
}

TEST_F(C10dTest, LosingTheStoreHostFailsTheOthersClearly) {
  Agent& host = add(params(2, 2));
  Agent& b = add(params(2, 2));
  host.next_round();
  b.next_round();
  ASSERT_TRUE(all_settled({&host, &b}));
  host.rdzv->shutdown();
  // Lost, not a membership change: there is no round to restart into.
  ASSERT_TRUE(run_until(loop, [&] { return !b.lost.empty(); }));
  EXPECT_EQ(b.changes, 0);
  EXPECT_NE(b.lost.find("rendezvous store"), std::string::npos) << b.lost;
  b.next_round();
  ASSERT_TRUE(all_settled({&b}));
  EXPECT_FALSE(b.result);
  EXPECT_NE(b.error.find("rendezvous store"), std::string::npos) << b.error;
}

TEST_F(C10dTest, DifferentRunIdsOnOneEndpointNeverMix) {
  Agent& a1 = add(params(2, 2, 4, "job1"));
  Agent& b1 = add(params(1, 1, 2, "job2"));
  Agent& a2 = add(params(2, 2, 4, "job1"));
  for (auto* x : {&a1, &b1, &a2}) x->next_round();
  ASSERT_TRUE(all_settled({&a1, &b1, &a2}));
  ASSERT_TRUE(a1.result && a2.result && b1.result)
      << a1.settled() << b1.settled() << a2.settled() << a1.error << b1.error << a2.error;
  EXPECT_EQ(a1.result->world_size, 8);
  EXPECT_EQ(a2.result->world_size, 8);
  EXPECT_EQ(b1.result->world_size, 2);
  EXPECT_EQ(b1.result->group_world_size, 1);
}

TEST_F(C10dTest, BadConfAndEndpointAreOneLineErrors) {
  auto p = params(1, 1);
  p.conf["join_timeout"] = "soon";
  try {
    add(p);
    FAIL() << "accepted join_timeout=soon";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "invalid --rdzv-conf join_timeout=soon: expected a positive number of seconds");
  }
  p = params(1, 1);
  p.endpoint = "localhost:99999";
  EXPECT_THROW(add(p), std::runtime_error);
}

TEST_F(C10dTest, SixteenAgentsRendezvousQuickly) {
  std::vector<Agent*> all;
  for (int i = 0; i < 16; ++i) all.push_back(&add(params(16, 16)));
  auto t0 = common::EventLoop::Clock::now();
  for (auto* a : all) a->next_round();
  ASSERT_TRUE(all_settled(all));
  auto took = common::EventLoop::Clock::now() - t0;
  for (auto* a : all) {
    ASSERT_TRUE(a->result) << a->error;
    EXPECT_EQ(a->result->world_size, 64);
  }
  // Not a timing assertion, a sanity line for the log.
  std::printf(
      "16 agents rendezvoused in %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

TEST_F(C10dTest, PortZeroHostsOnAnyFreePortForASingleAgent) {
  auto p = params(1, 1);
  p.endpoint = "127.0.0.1:0";
  Agent& a = add(p);
  EXPECT_TRUE(a.rdzv->is_host());
  EXPECT_GT(a.rdzv->store_port(), 0);
  a.next_round();
  ASSERT_TRUE(all_settled({&a}));
  ASSERT_TRUE(a.result) << a.error;
  EXPECT_EQ(a.result->world_size, 4);
}

TEST_F(C10dTest, IsHostForcesTheChoice) {
  auto p = params(1, 2);
  Agent& host = add(p);
  ASSERT_TRUE(host.rdzv->is_host());
  p.conf["is_host"] = "1";
  try {
    add(p);
    FAIL() << "two hosts on one port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("already in use"), std::string::npos) << e.what();
  }
  p.conf["is_host"] = "0";
  p.endpoint = "127.0.0.1:0";
  EXPECT_THROW(add(p), std::runtime_error);  // a client cannot find port 0
}

TEST_F(C10dTest, RankZeroDyingBeforePublishingTheMasterMeansAFreshRound) {
  Agent& host = add(params(1, 2));  // hosts the store; joins later
  // A bare client joins first (so it gets node rank 0), then dies without
  // publishing MASTER_ADDR/PORT.
  C10dClientOptions o;
  o.host = "127.0.0.1";
  o.port = host.rdzv->store_port();
  C10dStoreClient ghost(loop, o);
  bool connected = false;
  ghost.connect([&] { connected = true; }, [](const std::string& e) { FAIL() << e; });
  ASSERT_TRUE(run_until(loop, [&] { return connected; }));
  nlohmann::json ghost_round;
  ghost.request(
      {{"op", "join"},
       {"run_id", "job"},
       {"node", "ghost"},
       {"nproc", 4},
       {"restart_count", 0},
       {"min", 1},
       {"max", 2},
       {"last_call_ms", 200},
       {"join_timeout_ms", 10000}},
      0ms, [&](const nlohmann::json& r) { ghost_round = r; },
      [](const std::string& e) { FAIL() << e; });
  host.next_round();
  ASSERT_TRUE(run_until(loop, [&] { return !ghost_round.is_null(); }));
  EXPECT_EQ(ghost_round["group_rank"], 0);
  EXPECT_FALSE(host.settled());  // waiting for the ghost's master address
  ghost.close();
  ASSERT_TRUE(all_settled({&host}));
  ASSERT_TRUE(host.result) << host.error;
  EXPECT_EQ(host.result->round, 1);
  EXPECT_EQ(host.result->group_world_size, 1);
  EXPECT_EQ(host.result->world_size, 4);
  EXPECT_EQ(host.changes, 0);  // the agent never saw the broken round
}

}  // namespace refrun
