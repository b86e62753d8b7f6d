#include "rendezvous/static_rendezvous.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/event_loop.h"
#include "rendezvous/registry.h"

namespace refrun {

namespace {
RendezvousResult one_round(Rendezvous& r, common::EventLoop& loop, int restart_count) {
  RendezvousResult got;
  bool done = false;
  r.next_round(
      restart_count,
      [&](const RendezvousResult& res) {
        got = res;
        done = true;
      },
      [](const std::string& e) { FAIL() << e; });
  EXPECT_FALSE(done);  // asynchronous, never re-entrant
  loop.run();
  EXPECT_TRUE(done);
  return got;
}
}  // namespace

TEST(StaticRendezvous, RanksFromTheCommandLine) {
  common::EventLoop loop;
  RendezvousParams p;
  p.backend = "static";
  p.min_nodes = p.max_nodes = 3;
  p.node_rank = 2;
  p.nproc_per_node = 4;
  p.master_addr = "10.0.0.9";
  p.master_port = 1234;
  auto r = create_rendezvous(loop, p);
  RendezvousResult res = one_round(*r, loop, 1);
  EXPECT_EQ(res.group_rank, 2);
  EXPECT_EQ(res.group_world_size, 3);
  EXPECT_EQ(res.rank_offset, 8);
  EXPECT_EQ(res.world_size, 12);
  EXPECT_EQ(res.master_addr, "10.0.0.9");
  EXPECT_EQ(res.master_port, 1234);
  EXPECT_EQ(res.restart_count, 1);
  EXPECT_FALSE(res.use_agent_store);
  r->shutdown();
}

TEST(StaticRendezvous, EndpointOverridesMaster) {
  common::EventLoop loop;
  RendezvousParams p;
  p.backend = "static";
  p.endpoint = "hostx:4321";
  auto r = create_rendezvous(loop, p);
  RendezvousResult res = one_round(*r, loop, 0);
  EXPECT_EQ(res.master_addr, "hostx");
  EXPECT_EQ(res.master_port, 4321);
}

TEST(StaticRendezvous, Ipv6Endpoint) {
  common::EventLoop loop;
  RendezvousParams p;
  p.backend = "static";
  p.endpoint = "[::1]:4321";
  auto r = create_rendezvous(loop, p);
  RendezvousResult res = one_round(*r, loop, 0);
  EXPECT_EQ(res.master_addr, "::1");
  EXPECT_EQ(res.master_port, 4321);
}

TEST(StaticRendezvous, StandaloneUsesLocalhostAndAFreePort) {
  common::EventLoop loop;
  RendezvousParams p;
  p.backend = "static";
  p.standalone = true;
  auto r = create_rendezvous(loop, p);
  RendezvousResult res = one_round(*r, loop, 0);
  EXPECT_EQ(res.master_addr, "localhost");
  EXPECT_GT(res.master_port, 0);
  EXPECT_NE(res.master_port, 29500);
}

TEST(StaticRendezvous, BadParams) {
  common::EventLoop loop;
  RendezvousParams p;
  p.backend = "static";
  p.min_nodes = 1;
  p.max_nodes = 2;
  EXPECT_THROW(create_rendezvous(loop, p), std::runtime_error);
  p.min_nodes = 2;
  p.node_rank = 2;
  EXPECT_THROW(create_rendezvous(loop, p), std::runtime_error);
}

}  // namespace refrun
