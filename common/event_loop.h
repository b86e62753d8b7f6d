// A single-threaded epoll loop: file descriptors and one-shot timers. Every
// wait of its owner (process exits via pidfd, signals via signalfd, pipes,
// sockets, deadlines) goes through one of these, so nothing polls.
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace common {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using FdCallback = std::function<void(uint32_t revents)>;
  using TimerCallback = std::function<void()>;
  using TimerId = uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Calls on_ready with epoll's revents whenever fd is ready for `events`
  // (EPOLLIN by default). Watching an fd again replaces its callback.
  void watch_fd(int fd, FdCallback on_ready, uint32_t events = EPOLLIN);
  // Changes the event mask of a watched fd (e.g. add EPOLLOUT while a send
  // buffer is pending).
  void modify_fd(int fd, uint32_t events);
  // Safe to call from inside any callback, also for the fd being handled.
  void unwatch_fd(int fd);
  bool is_watched(int fd) const { return fds_.count(fd) != 0; }

  // One-shot timer. Cancelling an unknown or fired id is a no-op.
  TimerId add_timer(Clock::duration delay, TimerCallback cb);
  void cancel_timer(TimerId id);

  // Runs until stop() is called or nothing is left to wait for.
  void run();
  void stop() { stopped_ = true; }

 private:
  int epoll_fd_;
  bool stopped_ = false;
  TimerId next_timer_id_ = 1;
  // Shared pointers so a callback may unwatch (and destroy) itself safely.
  std::unordered_map<int, std::shared_ptr<FdCallback>> fds_;
  using Timers = std::multimap<Clock::time_point, std::pair<TimerId, TimerCallback>>;
  Timers timers_;
  // id -> its entry, so cancelling is not a scan of every timer: the c10d
  // store holds one keep-alive timer per client and cancels a run's timer
  // on every join (a scan made N joins cost N^2).
  std::unordered_map<TimerId, Timers::iterator> timer_at_;

  void fire_due_timers();
  int next_timeout_ms() const;
};

}  // namespace common
