#include "event_log_follower.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace launchcheck {

namespace {

// Closing an inotify instance waits for the kernel's SRCU grace period:
// 7-24 ms, measured, on every scenario's path from the launchers' exit to
// its verdict (most of the runner's overhead). So an instance is closed
// only when its process exits; a follower that ends removes its watch
// (fast) and leaves the instance here for the next one. One per concurrent
// follower, at most; a forked child starts with none of its parent's.
struct InstancePool {
  std::mutex mu;
  pid_t owner = 0;
  std::vector<int> idle;
};

InstancePool& pool() {
  static InstancePool p;
  return p;
}

int take_instance() {
  InstancePool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    if (p.owner != getpid()) {
      p.idle.clear();  // the parent's: its own to close (copies close at exec or exit)
      p.owner = getpid();
    }
    if (!p.idle.empty()) {
      int fd = p.idle.back();
      p.idle.pop_back();
      return fd;
    }
  }
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("inotify_init1: ") + strerror(errno));
  return fd;
}

void give_back(int fd, int wd) {
  if (wd >= 0) inotify_rm_watch(fd, wd);
  char buf[4096];
  while (read(fd, buf, sizeof buf) > 0) {  // IN_IGNORED and the rest: not the next one's
  }
  InstancePool& p = pool();
  std::lock_guard<std::mutex> lock(p.mu);
  if (p.owner == getpid())
    p.idle.push_back(fd);
  else
    close(fd);
}

}  // namespace

EventLogFollower::EventLogFollower(const std::string& path) {
  inotify_fd_ = take_instance();
  watch_ = inotify_add_watch(inotify_fd_, path.c_str(), IN_MODIFY);
  if (watch_ < 0) {
    std::string why = strerror(errno);
    give_back(inotify_fd_, -1);
    throw std::runtime_error(path + ": inotify_add_watch: " + why);
  }
  file_fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file_fd_ < 0) {
    std::string why = strerror(errno);
    give_back(inotify_fd_, watch_);
    throw std::runtime_error(path + ": " + why);
  }
}

EventLogFollower::~EventLogFollower() {
  if (inotify_fd_ >= 0) give_back(inotify_fd_, watch_);
  if (file_fd_ >= 0) close(file_fd_);
}

std::vector<std::string> EventLogFollower::read_new_lines() {
  char buf[65536];
  while (read(inotify_fd_, buf, sizeof buf) > 0) {
  }
  std::vector<std::string> lines;
  for (;;) {
    ssize_t n = read(file_fd_, buf, sizeof buf);
    if (n <= 0) break;
    auto more = splitter_.feed(buf, static_cast<size_t>(n));
    lines.insert(lines.end(), more.begin(), more.end());
  }
  return lines;
}

std::vector<std::string> EventLogFollower::read_rest() {
  auto lines = read_new_lines();
  std::string rest = splitter_.rest();
  if (!rest.empty()) lines.push_back(rest);
  return lines;
}

}  // namespace launchcheck
