#include "event_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace {

TEST(EventLog, ParsesAStartEvent) {
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
}

TEST(EventLog, RejectsBrokenLines) {
  std::string why;
  EXPECT_FALSE(parse_event_line(R"({"ev":"start","pid":)", &why));
  EXPECT_FALSE(parse_event_line(R"({"pid":1})", &why));
  EXPECT_EQ(why, "no \"ev\" field");
}

TEST(LineSplitter, KeepsThePartialLastLine) {
  LineSplitter s;
  EXPECT_EQ(s.feed("a\nb", 3), std::vector<std::string>{"a"});
  EXPECT_EQ(s.feed("c\n\nd", 4), (std::vector<std::string>{"bc", ""}));
  EXPECT_EQ(s.rest(), "d");
}

// Real file, real inotify: the follower wakes when the file grows and hands
// out only complete lines until the end.
TEST(EventLogFollower, FollowsAGrowingFile) {
  char path[] = "/tmp/lc-events-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  EventLogFollower f(path);
  pollfd p{f.fd(), POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 0), 0);  // nothing written yet
  ASSERT_EQ(write(fd, "{\"x\":1}\n{\"y\"", 12), 12);
  ASSERT_EQ(poll(&p, 1, 5000), 1);
  EXPECT_EQ(f.read_new_lines(), std::vector<std::string>{"{\"x\":1}"});
  ASSERT_EQ(write(fd, ":2}", 3), 3);
  EXPECT_EQ(f.read_new_lines(), std::vector<std::string>{});
  EXPECT_EQ(f.read_rest(), std::vector<std::string>{"{\"y\":2}"});
  close(fd);
  unlink(path);
}

}  // namespace
