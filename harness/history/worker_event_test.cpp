#include "worker_event.h"

#include <gtest/gtest.h>

#include <string>

namespace launchcheck {
namespace {

TEST(WorkerEvent, ParsesAStartEvent) {
  std::string why;
  auto e = parse_event_line(
      R"({"ev":"start","fixture":"cpp","pid":12,"mono_ns":5,"rank":1,"local_rank":null,"attempt":0,)"
      R"("node":"n0","ppid":3,"pgid":3,"role":"worker","env":{"RANK":"1"}})",
      &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->pid, 12);
  EXPECT_EQ(e->rank, 1);
  EXPECT_FALSE(e->local_rank.has_value());
  EXPECT_EQ(e->env.at("RANK"), "1");
  EXPECT_EQ(e->node, "n0");
  EXPECT_FALSE(e->fds.has_value());
}

TEST(WorkerEvent, StartEventFdTargets) {
  std::string why;
  auto e = parse_event_line(
      R"({"ev":"start","pid":12,"fds":{"0":"/dev/null","7":"/t/marker"}})", &why);
  ASSERT_TRUE(e && e->fds) << why;
  EXPECT_EQ(e->fds->at("7"), "/t/marker");
}

TEST(WorkerEvent, RejectsBrokenLines) {
  std::string why;
  EXPECT_FALSE(parse_event_line(R"({"ev":"start","pid":)", &why));
  EXPECT_FALSE(parse_event_line(R"({"pid":1})", &why));
  EXPECT_EQ(why, "no \"ev\" field");
}

}  // namespace
}  // namespace launchcheck
