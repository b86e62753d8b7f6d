// The executor's event loop: starts the agents, follows their consoles, the
// fixtures' event log and the agents' exits, fires faults when the scheduler
// says so, and at the end finds survivors, drains the consoles and reaps
// everything. Must run in a process of its own (the suite forks one per
// scenario): it makes that process a child subreaper and reaps every child.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "agent_command.h"
#include "common/event_loop.h"
#include "common/process.h"
#include "common/process_guard.h"
#include "console_reader.h"
#include "event_log_follower.h"
#include "fault_scheduler.h"
#include "nemesis.h"
#include "resolved_scenario.h"
#include "run_record.h"

namespace launchcheck {

struct ExecutorSetup {
  std::string cwd;     // the agents' working directory ({tmp})
  std::string events;  // the event log; must exist
  double orphan_grace_s = 0.5;
};

class Executor {
 public:
  Executor(const ResolvedScenario& s, std::vector<AgentCommand> commands, ExecutorSetup setup);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs the scenario to its end (or timeout) and returns what happened.
  RunRecord run();

 private:
  struct Agent {
    AgentCommand command;
    std::unique_ptr<ConsoleReader> out, err;
    common::Process process;  // no pid when it could not be started
  };

  const ResolvedScenario& s_;
  ExecutorSetup setup_;
  RunRecord record_;
  std::vector<Agent> agents_;
  common::EventLoop loop_;
  FaultScheduler scheduler_;
  // Kills every group of the run if this executor dies without goodbye.
  // Agents register their groups themselves before exec (spawn()).
  common::ProcessGuard guard_;
  int devnull_ = -1;  // the agents' stdin
  Nemesis nemesis_;
  std::unique_ptr<EventLogFollower> follower_;
  std::set<pid_t> groups_;  // every process group of the run, for the guard and the end
  int pending_starts_ = 0;  // delayed starts: the run is not over while one is due
  bool finished_ = false;

  void schedule_start(size_t i);
  void schedule_timed_faults();
  void start_agent(size_t i);
  void watch_console(size_t i, bool err, int fd);
  void on_agent_exit(size_t i);
  void on_console(size_t i, bool err);
  void on_events();
  void handle_event(const WorkerEvent& e);
  void watch_group(pid_t pgid);
  void fire(const std::vector<size_t>& faults);
  void after(double seconds, bool starts_a_node, std::function<void()> action);
  void on_timeout();
  void maybe_finish();
  void after_run();
  int running_pid(const std::string& node) const;
  std::string start_node(const std::string& node);
};

}  // namespace launchcheck
