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

}  // namespace
}  // namespace launchcheck
