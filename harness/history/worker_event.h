// The fixtures' event log (fixtures/PROTOCOL.md): JSON lines appended by every
// worker. EventLogFollower reads it as it grows, woken by inotify.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

struct WorkerEvent {
  std::string ev;  // start, step, signal, grandchild, exit
  std::string fixture;
  int pid = 0;
  int64_t mono_ns = 0;
  std::optional<int> rank, local_rank, attempt;
  std::string node;
  // start
  int ppid = 0, pgid = 0;
  std::string role;
  std::map<std::string, std::string> env;
  // step / signal / grandchild / exit
  std::string step;
  std::string sig, action;
  int child_pid = 0;
  std::optional<int> code;
  std::string exit_signal;
  // step: the value a result-carrying step recorded (`result`, `launched`), as JSON text
  std::string value;
};

// nullopt for a line that is not a valid event; `error` says why.
std::optional<WorkerEvent> parse_event_line(const std::string& line, std::string* error);

// Splits appended bytes into complete lines; a partial last line waits for
// the rest.
class LineSplitter {
 public:
  std::vector<std::string> feed(const char* data, size_t n);
  // Whatever is left without a newline.
  std::string rest() { return std::move(partial_); }

 private:
  std::string partial_;
};

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
  int inotify_fd_ = -1;
  int file_fd_ = -1;
  LineSplitter splitter_;
};
