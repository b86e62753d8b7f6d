#include "common/event_loop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

using common::EventLoop;

TEST(EventLoop, TimersFireInOrderAndCancelWorks) {
  EventLoop loop;
  std::vector<int> order;
  loop.add_timer(std::chrono::milliseconds(20), [&] { order.push_back(2); });
  loop.add_timer(std::chrono::milliseconds(0), [&] { order.push_back(1); });
  auto id = loop.add_timer(std::chrono::milliseconds(10), [&] { order.push_back(99); });
  loop.cancel_timer(id);
  loop.run();  // returns when nothing is left to wait for
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

// Cancelling goes by id: a fired, unknown or twice-cancelled id is a no-op,
// and timers sharing a deadline are told apart (a callback may cancel one).
TEST(EventLoop, CancelByIdAmongEqualDeadlines) {
  EventLoop loop;
  std::vector<int> order;
  auto first = loop.add_timer(std::chrono::milliseconds(0), [&] { order.push_back(1); });
  EventLoop::TimerId doomed = 0;
  loop.add_timer(std::chrono::milliseconds(5), [&] {
    order.push_back(2);
    loop.cancel_timer(doomed);
    loop.cancel_timer(first);  // already fired
  });
  doomed = loop.add_timer(std::chrono::milliseconds(5), [&] { order.push_back(99); });
  loop.add_timer(std::chrono::milliseconds(5), [&] { order.push_back(3); });
  loop.cancel_timer(12345);
  loop.run();
  loop.cancel_timer(doomed);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoop, FdCallbackMayUnwatchItself) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int calls = 0;
  loop.watch_fd(fds[0], [&](uint32_t) {
    ++calls;
    char c;
    EXPECT_EQ(read(fds[0], &c, 1), 1);
    loop.unwatch_fd(fds[0]);
  });
  ASSERT_EQ(write(fds[1], "ab", 2), 2);
  loop.run();
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(loop.is_watched(fds[0]));
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoop, StopEndsRun) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  loop.watch_fd(fds[0], [](uint32_t) {});  // would keep run() alive forever
  loop.add_timer(std::chrono::milliseconds(1), [&] { loop.stop(); });
  loop.run();
  SUCCEED();
  close(fds[0]);
  close(fds[1]);
}
