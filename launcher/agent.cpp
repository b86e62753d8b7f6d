#include "agent.h"

#include <fcntl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "common/clock.h"
#include "common/signal_names.h"
#include "common/spawn.h"
#include "log_layout.h"
#include "worker_command.h"

namespace refrun {

namespace {

int open_log(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + strerror(errno));
  return fd;
}

}  // namespace

Agent::Agent(common::EventLoop& loop, Rendezvous& rdzv, common::ProcessGuard* guard,
             AgentConfig config)
    : loop_(loop), rdzv_(rdzv), guard_(guard), cfg_(std::move(config)) {}

Agent::~Agent() {
  // Normal paths end in finish(); this only covers an exception escaping run().
  for (auto& w : workers_)
    if (!w.exited) common::kill_group(w.proc.pid(), SIGKILL);
  cleanup_attempt();
}

void Agent::say(const std::string& line) {
  std::string text = "refrun: " + line + "\n";
  write_all(cfg_.console_err, text.data(), text.size());
}

int Agent::run() {
  if (cfg_.signal_fd >= 0) loop_.watch_fd(cfg_.signal_fd, [this](uint32_t) { on_signal(); });
  rdzv_.on_membership_change([this] { on_membership_change(); });
  rdzv_.on_lost([this](const std::string& why) { on_rendezvous_lost(why); });
  watch_guard();
  try {
    start_rendezvous();
    loop_.run();
  } catch (const std::exception& e) {
    fatal(e.what());
  }
  return exit_code_;
}

void Agent::start_rendezvous() {
  state_ = State::kRendezvous;
  rdzv_.next_round(
      restarts_used_, [this](const RendezvousResult& r) { on_round(r); },
      [this](const std::string& error) {
        if (state_ == State::kRendezvous) fatal("rendezvous failed: " + error);
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
  state_ = State::kRunning;
  for (int lr = 0; lr < cfg_.spec.local_world_size; ++lr) spawn_worker(lr, paths[lr]);
}

void Agent::spawn_worker(int lr, const RankLogPaths& paths) {
  const LaunchConfig& c = cfg_.launch;
  Worker w;
  w.local_rank = lr;
  w.rank = round_.rank_offset + lr;
  w.error_file = paths.error_file;
  Environment env = build_worker_env(cfg_.base_env, cfg_.spec, round_, lr, paths.error_file);

  bool filtered_out = !c.local_ranks_filter.empty() && !c.local_ranks_filter.count(lr);
  int tee = c.tee.for_rank(lr);
  int redirect = c.redirects.for_rank(lr) | tee;
  std::string prefix = log_line_prefix(cfg_.prefix_template, cfg_.spec.role, w.rank, lr);

  common::SpawnOptions spawn;
  spawn.program = cfg_.program;
  spawn.argv = worker_argv(c, cfg_.program, lr);
  spawn.env = common::to_envp(env);
  spawn.nofile_limit = cfg_.worker_nofile;
  spawn.guard = guard_;  // the worker registers its group before exec
  spawn.exec_error_prefix = "refrun: ";
  // fork without waiting for each exec: refrun is back on its loop as soon
  // as the last worker is forked. vfork saves CPU (no page-table copy) but
  // blocks refrun until each child has exec'd, which on a busy 2-core machine
  // delayed reacting to an early failure (common/README.md has the numbers).
  spawn.launcher = common::SpawnOptions::Launcher::kForkNoWait;
  std::vector<int> child_ends;
  auto plan = [&](int bit, const std::string& file, int console, std::unique_ptr<OutputPump>& pump,
                  int& child_fd) {
    if ((tee & bit) && !filtered_out) {
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + strerror(errno));
      pump = std::make_unique<OutputPump>(loop_, fds[0], open_log(file), console, prefix);
      child_fd = fds[1];
    } else if (redirect & bit) {
      child_fd = open_log(file);  // redirect only: straight to the file, no pipe
    } else if (filtered_out) {
      child_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    } else {
      return;  // inherited: the fast path
    }
    child_ends.push_back(child_fd);
  };
  plan(kStdOut, paths.stdout_log, cfg_.console_out, w.out, spawn.stdout_fd);
  plan(kStdErr, paths.stderr_log, cfg_.console_err, w.err, spawn.stderr_fd);

  try {
    // An exec failure is not an exception: the worker exits 127 with a line
    // on its stderr, as upstream's would.
    w.proc = common::spawn(spawn);
  } catch (...) {
    for (int fd : child_ends) close(fd);
    throw;
  }
  for (int fd : child_ends) close(fd);
  workers_.push_back(std::move(w));
  ++alive_;
  size_t index = workers_.size() - 1;
  loop_.watch_fd(workers_[index].proc.pidfd(), [this, index](uint32_t) { on_worker_exit(index); });
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

void Agent::on_worker_exit(size_t index) {
  Worker& w = workers_[index];
  if (w.exited) return;
  auto status = w.proc.try_reap();
  if (!status) return;
  int code = status->torchelastic_code();
  record_exit(w, code);
  if (state_ == State::kRunning) {
    if (code != 0) {
      failures_.push_back(
          {w.rank, w.local_rank, code, w.proc.pid(), common::unix_seconds(), w.error_file});
      begin_stop(StopReason::kFailure, SIGTERM);
    } else if (alive_ == 0) {
      on_all_succeeded();
    }
  } else if (state_ == State::kStopping && alive_ == 0) {
    on_group_stopped();
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
    if (code != 0 && reason == StopReason::kFailure)
      failures_.push_back(
          {w.rank, w.local_rank, code, w.proc.pid(), common::unix_seconds(), w.error_file});
  }
  for (auto& w : workers_)
    if (!w.exited) common::kill_group(w.proc.pid(), signo);
  if (alive_ == 0) {
    on_group_stopped();
    return;
  }
  auto grace = std::chrono::duration_cast<common::EventLoop::Clock::duration>(
      std::chrono::duration<double>(cfg_.launch.stop_timeout));
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
      fatal("rendezvous failed: " + lost_reason_);
      return;
    case StopReason::kFailure:
      break;
  }
  int left = cfg_.launch.max_restarts - restarts_used_;
  if (left > 0) {
    const WorkerFailure& f = failures_.front();
    say("worker group failed (rank " + std::to_string(f.rank) + " exit code " +
        std::to_string(f.exitcode) + "); restarting, " + std::to_string(left - 1) + "/" +
        std::to_string(cfg_.launch.max_restarts) + " restarts left");
    ++restarts_used_;
    start_rendezvous();
    return;
  }
  std::string summary =
      format_failure_summary(entrypoint_name(cfg_.launch), failures_, local_hostname());
  write_all(cfg_.console_err, summary.data(), summary.size());
  finish(1);
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

void Agent::fatal(const std::string& message) {
  say("error: " + message);
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
