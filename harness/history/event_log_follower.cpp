#include "event_log_follower.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace launchcheck {

EventLogFollower::EventLogFollower(const std::string& path) {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) throw std::runtime_error(std::string("inotify_init1: ") + strerror(errno));
  if (inotify_add_watch(inotify_fd_, path.c_str(), IN_MODIFY) < 0)
    throw std::runtime_error(path + ": inotify_add_watch: " + strerror(errno));
  file_fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file_fd_ < 0) throw std::runtime_error(path + ": " + strerror(errno));
}

EventLogFollower::~EventLogFollower() {
  if (inotify_fd_ >= 0) close(inotify_fd_);
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
