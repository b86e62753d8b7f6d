// What happened during one scenario run, as recorded by the runner: agents'
// exits, the fixtures' events, injected faults, survivors. Checks judge this
// history after the run; reporters and traces draw from it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "worker_event.h"

namespace launchcheck {

struct AgentRecord {
  std::string node;
  std::vector<std::string> argv;
  std::vector<std::string> env_changes;  // "K=V" or "-K", for reproduce lines
  int pid = 0;
  int pgid = 0;
  bool started = false;
  bool exited = false;
  int exit_code = -1;  // when it exited normally
  int signo = 0;       // when a signal killed it
  int64_t start_ns = 0, end_ns = 0;
  std::string out, err;  // its console
  std::string exec_error;
};

struct FaultRecord {
  std::string pointer;
  std::string what;
  int64_t at_ns = 0;
  std::string outcome;  // "" when it worked, else why not
};

struct SurvivorRecord {
  int pid = 0;
  int ppid = 0;
  std::string cmdline;
};

struct RunRecord {
  std::vector<AgentRecord> agents;
  std::vector<WorkerEvent> events;
  std::vector<std::string> bad_event_lines;
  std::vector<FaultRecord> faults;
  std::vector<SurvivorRecord> survivors;  // alive after the launcher exited
  // worker pid -> its parent, grandparent, ... up to (not including) the
  // runner: who started it, for wrappers that do not exec and for readable
  // process-tree failures (the fixture's `parents`, else /proc when the
  // runner read its `start`).
  std::map<int, std::vector<SeenProcess>> ancestry;
  int64_t start_ns = 0, end_ns = 0;
  bool timed_out = false;
  double timeout_s = 0;
  // The runner could not set the run up as written (e.g. the agents' working
  // directory): the verdict is an error, not the launcher's failure.
  std::string setup_error;

  const AgentRecord* agent(const std::string& node) const {
    for (auto& a : agents)
      if (a.node == node) return &a;
    return nullptr;
  }
};

// "exit code 3", "killed by SIGTERM", "never started", ...
std::string describe_exit(const AgentRecord& a);

}  // namespace launchcheck
