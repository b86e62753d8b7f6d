// One line of the fixtures' event log (fixtures/PROTOCOL.md): what a worker
// process reported about itself. The follower that reads the log as it grows
// is in event_log_follower.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace launchcheck {

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
  // What each open descriptor pointed at when the worker started (fd ->
  // readlink target); nullopt when the fixture did not say.
  std::optional<std::map<std::string, std::string>> fds;
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

}  // namespace launchcheck
