// The agent: torchelastic's state machine for one node's worker group.
//   INIT -> RENDEZVOUS -> RUNNING -> STOPPING -> {RENDEZVOUS again | FAILED}
//                                 \-> SUCCEEDED (exit barrier) -> done
// Everything happens on one EventLoop: worker exits arrive through pidfds,
// signals through a signalfd, output through pipes, the grace period as a
// timer. The agent knows the rendezvous only through its interface.
#pragma once

#include <sys/resource.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/event_loop.h"
#include "common/process.h"
#include "common/process_guard.h"
#include "failure_summary.h"
#include "log_layout.h"
#include "options.h"
#include "output_pump.h"
#include "rendezvous/rendezvous.h"
#include "worker_env.h"

namespace refrun {

struct AgentConfig {
  LaunchConfig launch;
  WorkerGroupSpec spec;
  std::string program;          // what each worker execs (interpreter or script)
  Environment base_env;         // refrun's environment plus defaults
  std::string run_log_dir;      // <log_dir>/<run_id>_XXXXXXXX
  std::string prefix_template;  // TORCHELASTIC_LOG_LINE_PREFIX_TEMPLATE
  bool omp_defaulted = false;   // OMP_NUM_THREADS=1 was added to base_env
  int signal_fd = -1;           // signalfd for launch.signals_to_handle; -1 none
  int console_out = 1;
  int console_err = 2;
  // RLIMIT_NOFILE for workers: the limit refrun had before raising its own.
  std::optional<rlimit> worker_nofile;
};

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
  enum class State { kInit, kRendezvous, kRunning, kStopping, kSucceeded, kDone };
  enum class StopReason { kFailure, kMembership, kRendezvousLost, kSignal };

  struct Worker {
    int local_rank = 0;
    int rank = 0;
    common::Process proc;
    bool exited = false;
    int exitcode = 0;
    std::string error_file;
    std::unique_ptr<OutputPump> out;
    std::unique_ptr<OutputPump> err;
  };

  common::EventLoop& loop_;
  Rendezvous& rdzv_;
  common::ProcessGuard* guard_;
  AgentConfig cfg_;
  State state_ = State::kInit;
  StopReason stop_reason_ = StopReason::kFailure;
  RendezvousResult round_;
  std::vector<Worker> workers_;
  int alive_ = 0;
  int restarts_used_ = 0;
  int signal_ = 0;
  int exit_code_ = 1;
  bool shut_down_ = false;
  common::EventLoop::TimerId grace_timer_ = 0;
  std::vector<WorkerFailure> failures_;  // of the current attempt
  std::string lost_reason_;              // why the rendezvous is gone (kRendezvousLost)

  void start_rendezvous();
  void on_round(const RendezvousResult& round);
  void start_workers();
  void spawn_worker(int local_rank, const RankLogPaths& paths);
  void on_worker_exit(size_t index);
  void record_exit(Worker& w, int exitcode);
  void begin_stop(StopReason reason, int signo);
  void on_group_stopped();
  void cleanup_attempt();
  void on_all_succeeded();
  void on_signal();
  void on_membership_change();
  void on_rendezvous_lost(const std::string& why);
  void watch_guard();
  void on_guard_died();
  void release_worker(Worker& w);
  void fatal(const std::string& message);
  void finish(int code);
  void say(const std::string& line);
};

}  // namespace refrun
