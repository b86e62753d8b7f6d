// The etcd backend against a real etcd (started per test; skipped where
// etcd-server is not installed) and against hostile endpoints. Several
// agents share one EventLoop here: the same code paths as separate refrun
// processes. What a torchrun agent sees is checked in the keys themselves.
#include "rendezvous/etcd_rendezvous.h"
#include "rendezvous/test_agent.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <optional>

#include "common/free_port.h"
#include "rendezvous/c10d/test_util.h"
#include "rendezvous/etcd/etcd_kv.h"
#include "rendezvous/etcd/test_servers.h"

namespace refrun {
namespace {

using namespace std::chrono_literals;
using etcd::testing::FakeHttpServer;
using etcd::testing::RealEtcd;
using nlohmann::json;

using Agent = testing::TestAgent<EtcdRendezvous>;

struct EtcdRendezvousTest : ::testing::Test {
  common::EventLoop loop;
  std::string endpoint;
  std::string run_id = "t" + std::to_string(getpid());
  std::vector<std::unique_ptr<Agent>> agents;

  void TearDown() override {
    for (auto& a : agents) a->rdzv->shutdown();
  }
  RendezvousParams params(int min, int max, int nproc = 1) {
    RendezvousParams p;
    p.backend = "etcd";
    p.endpoint = endpoint;
    p.run_id = run_id;
    p.min_nodes = min;
    p.max_nodes = max;
    p.nproc_per_node = nproc;
    p.conf = {{"timeout", "15"}, {"last_call_timeout", "0.1"}};
    return p;
  }
  Agent& add(const RendezvousParams& p) {
    agents.push_back(std::make_unique<Agent>());
    Agent& a = *agents.back();
    a.rdzv = std::make_unique<EtcdRendezvous>(loop, p);
    a.rdzv->on_membership_change([&a] { ++a.changes; });
    a.rdzv->on_lost([&a](const std::string& why) { a.lost = why; });
    return a;
  }
  bool settle(std::vector<Agent*> which, std::chrono::milliseconds limit = 20s) {
    return run_until(
        loop,
        [&] {
          for (auto* a : which)
            if (!a->settled()) return false;
          return true;
        },
        limit);
  }
  std::string key(const std::string& path) const {
    return "/v2/keys/torchelastic/p2p/run_" + run_id + path;
  }
};

struct WithEtcd : EtcdRendezvousTest {
  std::unique_ptr<RealEtcd> etcd;
  void SetUp() override {
    etcd = std::make_unique<RealEtcd>();
    if (!etcd->ok()) GTEST_SKIP() << etcd->why();
    endpoint = etcd->endpoint();
  }
  json get(const std::string& path) { return json::parse(etcd->http("GET", key(path)), nullptr, false); }
  std::string value(const std::string& path) {
    json j = get(path);
    return j.is_object() && j.contains("node") ? j["node"].value("value", "") : "";
  }
};

TEST_F(WithEtcd, TwoAgentsFormOneRoundInTorchrunsKeys) {
  Agent& a = add(params(2, 2, 2));
  Agent& b = add(params(2, 2, 1));
  a.next_round();
  b.next_round();
  ASSERT_TRUE(settle({&a, &b})) << a.error << b.error;
  ASSERT_TRUE(a.result && b.result) << a.error << " / " << b.error;
  const RendezvousResult& r0 = a.result->group_rank == 0 ? *a.result : *b.result;
  const RendezvousResult& r1 = a.result->group_rank == 0 ? *b.result : *a.result;
  EXPECT_EQ(r0.group_world_size, 2);
  EXPECT_EQ(r1.group_rank, 1);
  EXPECT_EQ(a.result->world_size, 3);
  EXPECT_EQ(b.result->world_size, 3);
  EXPECT_EQ(r0.rank_offset, 0);
  EXPECT_EQ(r1.rank_offset, a.result->group_rank == 0 ? 2 : 1);
  EXPECT_EQ(a.result->master_addr, "127.0.0.1");
  EXPECT_EQ(a.result->master_port, b.result->master_port);
  EXPECT_EQ(a.result->round, 1);

  json state = json::parse(value("/rdzv/active_version"));
  EXPECT_EQ(state["status"], "final");
  EXPECT_EQ(state["version"], "1");  // a string, as torchrun compares it
  EXPECT_EQ(state["participants"], json::array({0, 1}));
  std::string ka = "/torchelastic/p2p/run_" + run_id + "/rdzv/v_1/rank_";
  auto keys = state["keep_alives"].get<std::vector<std::string>>();
  std::sort(keys.begin(), keys.end());  // in the order the members confirmed
  EXPECT_EQ(keys, (std::vector<std::string>{ka + "0", ka + "1"}));
  EXPECT_EQ(state["num_workers_waiting"], 0);
  EXPECT_EQ(value("/rdzv/version_counter"), "1");
  json rank0 = get("/rdzv/v_1/rank_0")["node"];
  EXPECT_LE(rank0["ttl"].get<int>(), 10);
  // The agent-level keys torchrun 1.13's agents wait for.
  std::string kv = "/rdzv/v_1/kv/";
  EXPECT_EQ(etcd::base64_decode(value(kv + etcd::base64_encode("torchelastic/role_info0.FIN"))), "FIN");
  json info = json::parse(etcd::base64_decode(value(kv + etcd::base64_encode("torchelastic/role_info1"))));
  EXPECT_EQ(info["rank"], 1);
  EXPECT_EQ(info["role"], "default");
  EXPECT_EQ(etcd::base64_decode(value(kv + etcd::base64_encode("MASTER_PORT"))),
            std::to_string(a.result->master_port));
}

TEST_F(WithEtcd, ExitBarrierThenCloseAndAClosedRunIsRefused) {
  Agent& a = add(params(2, 2));
  Agent& b = add(params(2, 2));
  a.next_round();
  b.next_round();
  ASSERT_TRUE(settle({&a, &b}));
  int passed = 0;
  std::string failed;
  for (Agent* x : {&a, &b})
    x->rdzv->exit_barrier([&] { ++passed; }, [&](const std::string& e) { failed = e; });
  ASSERT_TRUE(run_until(loop, [&] { return passed == 2 || !failed.empty(); })) << failed;
  EXPECT_EQ(value("/rdzv/v_1/kv/" + etcd::base64_encode("torchelastic/agent/terminal_state1")),
            etcd::base64_encode("1"));
  a.rdzv->shutdown();
  b.rdzv->shutdown();
  EXPECT_EQ(json::parse(value("/rdzv/active_version"))["status"], "closed");
  Agent& late = add(params(1, 1));
  late.next_round();
  ASSERT_TRUE(settle({&late}));
  EXPECT_NE(late.error.find("is closed (the job ended; a new job needs a new --rdzv-id)"),
            std::string::npos)
      << late.error;
}

TEST_F(WithEtcd, AgentStoppedBySignalLeavesTheRendezvousOpen) {
  Agent& a = add(params(1, 1));
  a.next_round();
  ASSERT_TRUE(settle({&a}));
  a.rdzv->leave_open();
  a.rdzv->shutdown();
  EXPECT_EQ(json::parse(value("/rdzv/active_version"))["status"], "final");
}

TEST_F(WithEtcd, AnAgentWaitingToJoinRestartsTheRunningRound) {
  Agent& a = add(params(1, 2));
  a.next_round();
  ASSERT_TRUE(settle({&a}));
  Agent& b = add(params(1, 2));
  b.next_round();  // finds the final round: announces itself waiting
  ASSERT_TRUE(run_until(loop, [&] { return a.changes > 0; }, 5s));
  EXPECT_EQ(json::parse(value("/rdzv/active_version"))["num_workers_waiting"], 1);
  EXPECT_FALSE(b.settled());
}

TEST_F(WithEtcd, AMemberWhoseKeyIsGoneRestartsTheOthers) {
  Agent& a = add(params(2, 2));
  Agent& b = add(params(2, 2));
  a.next_round();
  b.next_round();
  ASSERT_TRUE(settle({&a, &b}));
  Agent& other = a.result->group_rank == 1 ? a : b;
  Agent& rank0 = a.result->group_rank == 1 ? b : a;
  other.rdzv->leave_open();
  other.rdzv->shutdown();  // its keep-alive stops; the key is deleted here to skip the TTL
  etcd->http("DELETE", key("/rdzv/v_1/rank_1"));
  ASSERT_TRUE(run_until(loop, [&] { return rank0.changes > 0 || !rank0.lost.empty(); }, 5s));
  EXPECT_EQ(rank0.changes, 1);
  EXPECT_EQ(rank0.lost, "");
}

TEST_F(WithEtcd, GarbageInTheStateWhileRunningIsOneLine) {
  Agent& a = add(params(1, 1));
  a.next_round();
  ASSERT_TRUE(settle({&a}));
  etcd->http("PUT", key("/rdzv/active_version"), "value=garbage");
  ASSERT_TRUE(run_until(loop, [&] { return !a.lost.empty(); }, 5s));
  EXPECT_EQ(a.lost, "etcd at " + endpoint + ": /torchelastic/p2p/run_" + run_id +
                        "/rdzv/active_version holds 'garbage', not a rendezvous state: not a JSON "
                        "object (another writer?)");
}

TEST_F(WithEtcd, GarbageBeforeTheStartIsOneLine) {
  etcd->http("PUT", key("/rdzv/active_version"), "value=%7B%22status%22%3A%22final%22%7D");
  etcd->http("PUT", key("/rdzv/version_counter"), "value=xyz");
  Agent& a = add(params(1, 1));
  a.next_round();
  ASSERT_TRUE(settle({&a}));
  EXPECT_NE(a.error.find("active_version holds '{\"status\":\"final\"}', not a rendezvous state: "
                         "no \"version\" string"),
            std::string::npos)
      << a.error;
}

TEST_F(EtcdRendezvousTest, EtcdDownIsOneLineAtOnce) {
  endpoint = "127.0.0.1:" + std::to_string(common::pick_free_port("127.0.0.1"));
  Agent& a = add(params(1, 1));
  auto t0 = std::chrono::steady_clock::now();
  a.next_round();
  ASSERT_TRUE(settle({&a}));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(a.error, "etcd at " + endpoint + ": cannot connect to " + endpoint + ": Connection refused");
}

TEST_F(EtcdRendezvousTest, EtcdWithoutV2IsNamed) {
  RealEtcd no_v2(false);
  if (!no_v2.ok()) GTEST_SKIP() << no_v2.why();
  endpoint = no_v2.endpoint();
  Agent& a = add(params(1, 1));
  a.next_round();
  ASSERT_TRUE(settle({&a}));
  EXPECT_NE(a.error.find("this etcd has no v2 API (start it with --enable-v2=true)"),
            std::string::npos)
      << a.error;
}

TEST_F(EtcdRendezvousTest, HostileEndpointsAreOneLineNeverACrash) {
  std::vector<std::pair<FakeHttpServer::Handler, std::string>> cases = {
      {[](const std::string&, const std::string&) {
         return FakeHttpServer::Reply{"HTTP/1.1 500 X\r\nContent-Length: 4\r\n\r\noops"};
       },
       "GET /v2/machines: HTTP 500 'oops'"},
      {[](const std::string& line, const std::string&) {
         if (line == "GET /v2/machines")
           return FakeHttpServer::Reply{"HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\nhttp://h:1, xyz"};
         return FakeHttpServer::Reply{FakeHttpServer::answer(200, "{}")};
       },
       "is not a list of member URLs"},
      {[](const std::string& line, const std::string&) {
         if (line == "GET /v2/machines")
           return FakeHttpServer::Reply{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhttp://h:1"};
         return FakeHttpServer::Reply{FakeHttpServer::answer(200, R"({"action":"set","node":[]})")};
       },
       "\"node\" is not an object"},
      {[](const std::string&, const std::string&) {
         return FakeHttpServer::Reply{"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"};
       },
       "more than the limit"},
  };
  for (auto& [handler, want] : cases) {
    FakeHttpServer server(loop, handler);
    endpoint = server.endpoint();
    Agent& a = add(params(1, 1));
    a.next_round();
    ASSERT_TRUE(settle({&a}));
    EXPECT_NE(a.error.find(want), std::string::npos) << a.error;
    EXPECT_EQ(a.error.rfind("etcd at " + endpoint + ": ", 0), 0u) << a.error;
    EXPECT_EQ(a.error.find('\n'), std::string::npos);
    a.rdzv->shutdown();
  }
}

}  // namespace
}  // namespace refrun
