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

// A real monotonic clock in nanoseconds (nlohmann reads it as unsigned) is
// kept; one past int64_t is dropped, not wrapped. The bench once read every
// mono_ns as 0 and measured negative latencies.
TEST(WorkerEvent, MonoNsKeepsRealClocksAndDropsOverflow) {
  std::string why;
  auto e = parse_event_line(R"({"ev":"exit","pid":1,"mono_ns":14944632719726})", &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->mono_ns, 14944632719726);
  e = parse_event_line(R"({"ev":"exit","pid":1,"mono_ns":18446744073709551615})", &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->mono_ns, 0);
}

TEST(WorkerEvent, ParsesArgvAndParentsSkippingMalformedOnes) {
  std::string why;
  auto e = parse_event_line(
      R"({"ev":"start","pid":12,"ppid":3,"argv":["lc_worker","hang",7],)"
      R"("parents":[{"pid":3,"cmdline":"refrun x"},{"pid":2,"cmdline":5},{"cmdline":"no pid"},4]})",
      &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->argv, (std::vector<std::string>{"lc_worker", "hang"}));
  ASSERT_EQ(e->parents.size(), 2u);
  EXPECT_EQ(e->parents[0].pid, 3);
  EXPECT_EQ(e->parents[0].cmdline, "refrun x");
  EXPECT_EQ(e->parents[1].pid, 2);
  EXPECT_EQ(e->parents[1].cmdline, "");
}

TEST(WorkerEvent, RejectsBrokenLines) {
  std::string why;
  EXPECT_FALSE(parse_event_line(R"({"ev":"start","pid":)", &why));
  EXPECT_FALSE(parse_event_line(R"({"pid":1})", &why));
  EXPECT_EQ(why, "no \"ev\" field");
}

}  // namespace
}  // namespace launchcheck
