#include "event_log_follower.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace launchcheck {
namespace {

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

// Followers one after another reuse one inotify instance (closing one costs
// the kernel's grace period): the next is woken by its own file only, and
// far more of them than the per-user instance limit (128) come and go.
TEST(EventLogFollower, TheNextFollowerReusesTheInstanceWithoutTheOldWatch) {
  char first[] = "/tmp/lc-events-XXXXXX", second[] = "/tmp/lc-events-XXXXXX";
  int fd1 = mkstemp(first), fd2 = mkstemp(second);
  ASSERT_GE(fd1, 0);
  ASSERT_GE(fd2, 0);
  int reused = -1;
  {
    EventLogFollower f(first);
    reused = f.fd();
    ASSERT_EQ(write(fd1, "a\n", 2), 2);
  }  // an unread event of the first file is pending as it ends
  for (int i = 0; i < 300; ++i) EventLogFollower churn(second);
  EventLogFollower g(second);
  EXPECT_EQ(g.fd(), reused);
  pollfd p{g.fd(), POLLIN, 0};
  ASSERT_EQ(write(fd1, "b\n", 2), 2);
  EXPECT_EQ(poll(&p, 1, 100), 0) << "woken by the first follower's file";
  ASSERT_EQ(write(fd2, "{\"z\":3}\n", 8), 8);
  ASSERT_EQ(poll(&p, 1, 5000), 1);
  EXPECT_EQ(g.read_new_lines(), std::vector<std::string>{"{\"z\":3}"});
  close(fd1);
  close(fd2);
  unlink(first);
  unlink(second);
}

}  // namespace
}  // namespace launchcheck
