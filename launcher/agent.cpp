#include "agent.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

#include "common/clock.h"
#include "common/signal_names.h"
#include "common/subreaper.h"
#include "log_layout.h"
#include "worker_spawn.h"

namespace refrun {

Agent::Agent(common::EventLoop& loop, Rendezvous& rdzv, common::ProcessGuard* guard,
             AgentConfig config)
    : loop_(loop), rdzv_(rdzv), guard_(guard), cfg_(std::move(config)) {
  // refrun's own notices about a console go to the other one; stderr's to itself.
  err_ = std::make_unique<ConsoleSink>(loop_, cfg_.console_err, "stderr",
                                       [this](const std::string& l) { err_->write_line(l); });
  out_ = std::make_unique<ConsoleSink>(loop_, cfg_.console_out, "stdout",
                                       [this](const std::string& l) { err_->write_line(l); });
}

Agent::~Agent() {
  // Normal paths end in finish(); this only covers an exception escaping run().
  for (auto& w : workers_)
    if (!w.exited) common::kill_group(w.proc.pid(), SIGKILL);
  cleanup_attempt();
}

void Agent::say(const std::string& line) {
  err_->write_line("refrun: " + line + "\n");
}

int Agent::run() {
  started_ = common::EventLoop::Clock::now();
  if (cfg_.signal_fd >= 0) loop_.watch_fd(cfg_.signal_fd, [this](uint32_t) { on_signal(); });
  rdzv_.on_membership_change([this] { on_membership_change(); });
  rdzv_.on_lost([this](const std::string& why) { on_rendezvous_lost(why); });
  rdzv_.on_closed([this](const std::string& why) { on_peer_failed(why); });
  watch_guard();
  try {
    start_rendezvous();
    loop_.run();
  } catch (const std::exception& e) {
    fatal(e.what());
  }
  flush_consoles();
  return exit_code_;
}

void Agent::start_rendezvous() {
  state_ = State::kRendezvous;
  rdzv_.next_round(
      restarts_used_, [this](const RendezvousResult& r) { on_round(r); },
      [this](const std::string& error) {
        if (state_ == State::kRendezvous) fatal("rendezvous failed: " + error, "RendezvousError");
      });
}

void Agent::on_round(const RendezvousResult& round) {
  if (state_ != State::kRendezvous) return;  // e.g. a signal ended the job meanwhile
  round_ = round;
  restarts_used_ = round.restart_count;
  try {
    start_workers();
  } catch (const std::exception& e) {
    fatal(std::string("cannot start workers: ") + e.what());
  }
}

void Agent::start_workers() {
  failures_.clear();
  workers_.clear();
  workers_.reserve(static_cast<size_t>(cfg_.spec.local_world_size));
  auto paths =
      make_attempt_dirs(cfg_.run_log_dir, round_.restart_count, cfg_.spec.local_world_size);
  std::string attempt_dir = cfg_.run_log_dir + "/attempt_" + std::to_string(round_.restart_count);
  filtered_out_ = open_filtered_log(attempt_dir, "stdout", cfg_.launch.duplicate_stdout_filters);
  filtered_err_ = open_filtered_log(attempt_dir, "stderr", cfg_.launch.duplicate_stderr_filters);
  state_ = State::kRunning;
  WorkerConsoles consoles{*out_, *err_, filtered_out_, filtered_err_};
  for (int lr = 0; lr < cfg_.spec.local_world_size; ++lr) {
    SpawnedWorker s = spawn_worker(loop_, cfg_, round_, lr, paths[lr], guard_, consoles);
    Worker w;
    w.local_rank = lr;
    w.rank = round_.rank_offset + lr;
    w.error_file = paths[lr].error_file;
    w.proc = std::move(s.proc);
    w.pid = w.proc.pid();
    w.out = std::move(s.out);
    w.err = std::move(s.err);
    workers_.push_back(std::move(w));
    ++alive_;
    size_t index = workers_.size() - 1;
    loop_.watch_fd(workers_[index].proc.pidfd(),
                   [this, index](uint32_t) { on_worker_exit(index); });
  }
}

void Agent::record_exit(Worker& w, int exitcode) {
  loop_.unwatch_fd(w.proc.pidfd());
  // Everything the worker wrote is in its pipes now: take it before moving on.
  if (w.out) w.out->drain();
  if (w.err) w.err->drain();
  w.exited = true;
  w.exitcode = exitcode;
  --alive_;
}

void Agent::add_failure(const Worker& w, int exitcode) {
  failures_.push_back(
      {w.rank, w.local_rank, exitcode, w.proc.pid(), common::unix_seconds(), w.error_file});
}

void Agent::on_worker_exit(size_t index) {
  Worker& w = workers_[index];
  if (w.exited) return;
  auto status = w.proc.try_reap();
  if (!status) return;
  int code = status->torchelastic_code();
  record_exit(w, code);
  if (state_ == State::kRunning) {
    if (code != 0) {
      add_failure(w, code);
      begin_stop(StopReason::kFailure, SIGTERM);
    } else if (alive_ == 0) {
      on_all_succeeded();
    }
  } else if (state_ == State::kStopping) {
    // Stopping after a failure: a worker that fails in its own way meanwhile
    // (not by the SIGTERM/SIGKILL of the stop) is a failure of the group too,
    // e.g. two workers failing together (upstream 2.x lists them as well).
    if (stop_reason_ == StopReason::kFailure && code != 0 && code != -SIGTERM && code != -SIGKILL)
      add_failure(w, code);
    if (alive_ == 0) on_group_stopped();
  }
}

void Agent::begin_stop(StopReason reason, int signo) {
  state_ = State::kStopping;
  stop_reason_ = reason;
  // Workers that already exited on their own failed by themselves, not
  // because refrun stopped them: collect them before signalling.
  for (auto& w : workers_) {
    if (w.exited) continue;
    auto status = w.proc.try_reap();
    if (!status) continue;
    int code = status->torchelastic_code();
    record_exit(w, code);
    if (code != 0 && reason == StopReason::kFailure) add_failure(w, code);
  }
  for (auto& w : workers_)
    if (!w.exited) common::kill_group(w.proc.pid(), signo);
  if (alive_ == 0) {
    on_group_stopped();
    return;
  }
  auto grace = std::chrono::duration_cast<common::EventLoop::Clock::duration>(
      std::chrono::duration<double>(cfg_.launch.stop_timeout.value_or(30)));
  grace_timer_ = loop_.add_timer(grace, [this] {
    grace_timer_ = 0;
    for (auto& w : workers_)
      if (!w.exited) common::kill_group(w.proc.pid(), SIGKILL);
  });
}

void Agent::cleanup_attempt() {
  if (grace_timer_) loop_.cancel_timer(grace_timer_);
  grace_timer_ = 0;
  for (auto& w : workers_) {
    if (w.out) w.out->close();
    if (w.err) w.err->close();
    release_worker(w);
  }
  filtered_out_.reset();
  filtered_err_.reset();
  // What left the workers' groups (setsid) came back to us: it goes too.
  // Its workers are reaped by now: any child left is a re-parented orphan.
  if (cfg_.kill_orphans)
    common::kill_descendants(guard_ ? guard_->pid() : -1, common::ReapKilled::kReap);
}

void Agent::release_worker(Worker& w) {
  if (w.proc.pidfd() >= 0) loop_.unwatch_fd(w.proc.pidfd());
  if (w.proc.pid() > 0) {
    // The worker is reaped; whatever it left behind in its group goes too.
    common::kill_group(w.proc.pid(), SIGKILL);
    if (guard_) guard_->release(w.proc.pid());
  }
  w.proc = common::Process();  // forgotten: a second cleanup does nothing
}

void Agent::on_group_stopped() {
  cleanup_attempt();
  switch (stop_reason_) {
    case StopReason::kSignal:
      finish(128 + signal_);
      return;
    case StopReason::kMembership:
      say("membership changed; restarting workers (does not count against --max-restarts)");
      start_rendezvous();
      return;
    case StopReason::kRendezvousLost:
      fatal("rendezvous failed: " + lost_reason_, "RendezvousConnectionError");
      return;
    case StopReason::kPeerFailed:
      fatal("the job failed on " + peer_failure_, "RendezvousClosedError");
      return;
    case StopReason::kFailure:
      break;
  }
  int left = cfg_.launch.max_restarts - restarts_used_;
  if (left <= 0) return fail_job();
  const WorkerFailure& f = failures_.front();
  say("worker group failed (rank " + std::to_string(f.rank) + " exit code " +
      std::to_string(f.exitcode) + "); restarting, " + std::to_string(left - 1) + "/" +
      std::to_string(cfg_.launch.max_restarts) + " restarts left");
  ++restarts_used_;
  start_rendezvous();
}

void Agent::on_all_succeeded() {
  cleanup_attempt();
  state_ = State::kSucceeded;
  rdzv_.exit_barrier(
      [this] {
        if (state_ == State::kSucceeded) finish(0);
      },
      [this](const std::string& error) {
        if (state_ == State::kSucceeded) fatal("exit barrier failed: " + error);
      });
}

void Agent::on_signal() {
  signalfd_siginfo info{};
  ssize_t n = read(cfg_.signal_fd, &info, sizeof info);
  if (n != static_cast<ssize_t>(sizeof info)) return;
  int signo = static_cast<int>(info.ssi_signo);
  if (state_ == State::kDone) return;
  say("received " + common::signal_name(signo) + ", stopping workers");
  signal_ = signo;
  // What upstream's @record writes for its SignalException.
  agent_error_ = AgentError{"SignalException", "Process " + std::to_string(getpid()) +
                                                   " got signal: " + std::to_string(signo)};
  if (state_ == State::kRunning) {
    begin_stop(StopReason::kSignal, signo);
  } else if (state_ == State::kStopping) {
    // Already stopping (after a failure): forward this one too, then exit.
    stop_reason_ = StopReason::kSignal;
    for (auto& w : workers_)
      if (!w.exited) common::kill_group(w.proc.pid(), signo);
  } else {
    finish(128 + signo);  // no workers running
  }
}

void Agent::on_membership_change() {
  if (state_ == State::kRunning) begin_stop(StopReason::kMembership, SIGTERM);
}

void Agent::on_rendezvous_lost(const std::string& why) {
  if (state_ != State::kRunning) return;  // a stop in progress ends in a failing next_round
  say("rendezvous lost; stopping workers (no restart)");
  lost_reason_ = why;
  begin_stop(StopReason::kRendezvousLost, SIGTERM);
}

// Another node's workers failed for good and it closed the rendezvous: this
// job has failed. Stop at once instead of waiting for our own workers to
// notice (going further than torchrun, whose peers learn it only when their
// own collectives break: launcher/README.md).
void Agent::on_peer_failed(const std::string& why) {
  peer_failure_ = why;
  if (state_ == State::kRunning) {
    say("the job failed on " + why + "; stopping workers");
    begin_stop(StopReason::kPeerFailed, SIGTERM);
  } else if (state_ == State::kSucceeded) {
    fatal("the job failed on " + why, "RendezvousClosedError");  // at the exit barrier
  }
}

void Agent::fatal(const std::string& message, const std::string& type) {
  say("error: " + message);
  if (!agent_error_) agent_error_ = AgentError{type, message};
  for (auto& w : workers_) {
    if (w.exited || w.proc.pidfd() < 0) continue;
    common::kill_group(w.proc.pid(), SIGKILL);
    // SIGKILL cannot be refused: this returns.
    record_exit(w, w.proc.wait().torchelastic_code());
  }
  finish(1);
}

void Agent::finish(int code) {
  if (state_ == State::kDone) return;
  state_ = State::kDone;
  exit_code_ = code;
  cleanup_attempt();
  write_launcher_error_file();
  record_events();
  if (cfg_.signal_fd >= 0) loop_.unwatch_fd(cfg_.signal_fd);
  if (guard_ && guard_->pidfd() >= 0) loop_.unwatch_fd(guard_->pidfd());
  if (!shut_down_) {
    shut_down_ = true;
    if (signal_ != 0) rdzv_.leave_open();
    rdzv_.shutdown();
  }
  loop_.stop();
}

void Agent::watch_guard() {
  if (guard_ && guard_->pidfd() >= 0)
    loop_.watch_fd(guard_->pidfd(), [this](uint32_t) { on_guard_died(); });
}

// The guard ignores every catchable signal, so this is a SIGKILL or the OOM
// killer. Without it a SIGKILL of refrun would orphan every grandchild: a
// new guard learns every group still registered.
void Agent::on_guard_died() {
  pid_t old = guard_->pid();
  loop_.unwatch_fd(guard_->pidfd());
  try {
    guard_->restart();
  } catch (const std::exception& e) {
    fatal("the process guard (pid " + std::to_string(old) +
          ") died and cannot be restarted: " + e.what());
    return;
  }
  say("the process guard (pid " + std::to_string(old) + ") died; started a new one (pid " +
      std::to_string(guard_->pid()) + ")");
  watch_guard();
}

}  // namespace refrun
