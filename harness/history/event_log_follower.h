// Follows the fixtures' event log (fixtures/PROTOCOL.md) as it grows, woken
// by inotify: every worker appends JSON lines to it.
#pragma once

#include <string>
#include <vector>

#include "line_splitter.h"

namespace launchcheck {

class EventLogFollower {
 public:
  // The file must exist. Throws std::runtime_error when inotify fails.
  explicit EventLogFollower(const std::string& path);
  ~EventLogFollower();
  EventLogFollower(const EventLogFollower&) = delete;
  EventLogFollower& operator=(const EventLogFollower&) = delete;

  // The inotify descriptor: readable when the file grew.
  int fd() const { return inotify_fd_; }
  // Drains inotify and returns every complete new line.
  std::vector<std::string> read_new_lines();
  // At the end of a run: every remaining line, a partial last one included.
  std::vector<std::string> read_rest();

 private:
  int inotify_fd_ = -1;  // from a per-process pool (event_log_follower.cpp says why)
  int watch_ = -1;
  int file_fd_ = -1;
  LineSplitter splitter_;
};

}  // namespace launchcheck
