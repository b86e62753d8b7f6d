#include "common/event_loop.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace common {

EventLoop::EventLoop() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + strerror(errno));
}

EventLoop::~EventLoop() {
  close(epoll_fd_);
}

void EventLoop::watch_fd(int fd, FdCallback on_ready, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  bool known = fds_.count(fd) != 0;
  if (epoll_ctl(epoll_fd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0)
    throw std::runtime_error("epoll_ctl(" + std::to_string(fd) + "): " + strerror(errno));
  fds_[fd] = std::make_shared<FdCallback>(std::move(on_ready));
}

void EventLoop::modify_fd(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0)
    throw std::runtime_error("epoll_ctl(MOD " + std::to_string(fd) + "): " + strerror(errno));
}

void EventLoop::unwatch_fd(int fd) {
  if (fds_.erase(fd)) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::add_timer(Clock::duration delay, TimerCallback cb) {
  TimerId id = next_timer_id_++;
  timer_at_[id] = timers_.emplace(Clock::now() + delay, std::make_pair(id, std::move(cb)));
  return id;
}

void EventLoop::cancel_timer(TimerId id) {
  auto at = timer_at_.find(id);
  if (at == timer_at_.end()) return;
  timers_.erase(at->second);
  timer_at_.erase(at);
}

int EventLoop::next_timeout_ms() const {
  if (timers_.empty()) return -1;
  auto wait = timers_.begin()->first - Clock::now();
  if (wait <= Clock::duration::zero()) return 0;
  // Round up so a timer never fires early and never spins at 0 ms.
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
}

void EventLoop::fire_due_timers() {
  auto now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now && !stopped_) {
    auto cb = std::move(timers_.begin()->second.second);
    timer_at_.erase(timers_.begin()->second.first);
    timers_.erase(timers_.begin());
    cb();
  }
}

void EventLoop::run() {
  stopped_ = false;
  epoll_event events[64];
  while (!stopped_ && (!fds_.empty() || !timers_.empty())) {
    int n = epoll_wait(epoll_fd_, events, 64, next_timeout_ms());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("epoll_wait: ") + strerror(errno));
    }
    for (int i = 0; i < n && !stopped_; ++i) {
      auto it = fds_.find(events[i].data.fd);
      if (it == fds_.end()) continue;  // unwatched by an earlier callback
      auto cb = it->second;            // keeps the callback alive while it runs
      (*cb)(events[i].events);
    }
    fire_due_timers();
  }
}

}  // namespace common
