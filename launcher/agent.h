// The agent: torchelastic's state machine for one node's worker group.
//   INIT -> RENDEZVOUS -> RUNNING -> STOPPING -> {RENDEZVOUS again | FAILED}
//                                 \-> SUCCEEDED (exit barrier) -> done
// Everything happens on one EventLoop: worker exits arrive through pidfds,
// signals through a signalfd, output through pipes, the grace period as a
// timer, and the console is written without ever blocking (console_sink.h).
// The agent knows the rendezvous only through its interface.
//
// agent.cpp holds the state machine; agent_end.cpp how a run ends (the
// summary, refrun's own error file, the event log, the console flush).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent_config.h"
#include "common/event_loop.h"
#include "common/process.h"
#include "common/process_guard.h"
#include "console_sink.h"
#include "failure_summary.h"
#include "filtered_log.h"
#include "output_pump.h"
#include "rendezvous/rendezvous.h"

namespace refrun {

class Agent {
 public:
  // `guard` (may be null) learns every worker's process group; if it dies,
  // the agent starts a new one.
  Agent(common::EventLoop& loop, Rendezvous& rdzv, common::ProcessGuard* guard, AgentConfig config);
  ~Agent();

  // Runs the job to its end; returns refrun's exit status: 0 success, 1
  // failure (summary printed), 128+signo when a handled signal stopped it.
  int run();

  const std::vector<WorkerFailure>& failures() const { return failures_; }

 private:
  enum class State { kInit, kRendezvous, kRunning, kStopping, kSucceeded, kClosing, kDone };
  enum class StopReason { kFailure, kMembership, kRendezvousLost, kPeerFailed, kSignal };

  struct Worker {
    int local_rank = 0;
    int rank = 0;
    pid_t pid = 0;  // kept after proc is released, for the event log
    common::Process proc;
    bool exited = false;
    int exitcode = 0;
    std::string error_file;
    std::unique_ptr<OutputPump> out;
    std::unique_ptr<OutputPump> err;
  };

  // Why the agent itself failed, for refrun's error file and the event log.
  struct AgentError {
    std::string type;  // the Python exception upstream would raise
    std::string what;
  };

  common::EventLoop& loop_;
  Rendezvous& rdzv_;
  common::ProcessGuard* guard_;
  AgentConfig cfg_;
  std::unique_ptr<ConsoleSink> err_;  // before out_: out_ reports through it
  std::unique_ptr<ConsoleSink> out_;
  State state_ = State::kInit;
  StopReason stop_reason_ = StopReason::kFailure;
  RendezvousResult round_;
  std::vector<Worker> workers_;
  std::shared_ptr<FilteredLog> filtered_out_, filtered_err_;  // of the current attempt
  int alive_ = 0;
  int restarts_used_ = 0;
  int signal_ = 0;
  int exit_code_ = 1;
  bool shut_down_ = false;
  common::EventLoop::TimerId grace_timer_ = 0;
  common::EventLoop::Clock::time_point started_;
  std::vector<WorkerFailure> failures_;  // of the current attempt
  std::string lost_reason_;              // why the rendezvous is gone (kRendezvousLost)
  std::string peer_failure_;             // which node failed the job (kPeerFailed)
  std::optional<FailureReport> report_;  // the workers' failure, once final
  std::optional<AgentError> agent_error_;

  void start_rendezvous();
  void on_round(const RendezvousResult& round);
  void start_workers();
  void on_worker_exit(size_t index);
  void record_exit(Worker& w, int exitcode);
  void add_failure(const Worker& w, int exitcode);
  void begin_stop(StopReason reason, int signo);
  void on_group_stopped();
  void cleanup_attempt();
  void on_all_succeeded();
  void on_signal();
  void on_membership_change();
  void on_rendezvous_lost(const std::string& why);
  void on_peer_failed(const std::string& why);
  void watch_guard();
  void on_guard_died();
  void release_worker(Worker& w);
  void fatal(const std::string& message, const std::string& type = "RuntimeError");
  void finish(int code);
  void say(const std::string& line);

  // agent_end.cpp
  void fail_job();                    // the workers failed for good: summary, close, exit 1
  void write_launcher_error_file();   // refrun's own TORCHELASTIC_ERROR_FILE
  void record_events();               // --event-log-handler
  void flush_consoles();
};

}  // namespace refrun
