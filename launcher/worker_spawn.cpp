#include "worker_spawn.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/spawn.h"
#include "worker_command.h"
#include "worker_env.h"

namespace refrun {

namespace {

int open_log(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + strerror(errno));
  return fd;
}

// One stream of the worker: the child's end (or -1: inherited) and, when
// tee'd, the pump on our end. Every fd opened here is in `child_ends`.
struct StreamPlan {
  common::EventLoop& loop;
  std::vector<int>& child_ends;

  int plan(bool tee, bool redirect, bool filtered_out, const std::string& file, ConsoleSink& console,
           const std::string& prefix, std::shared_ptr<FilteredLog> filtered,
           std::unique_ptr<OutputPump>& pump) {
    int child_fd = -1;
    if (tee && !filtered_out) {
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + strerror(errno));
      pump = std::make_unique<OutputPump>(loop, fds[0], open_log(file), console, prefix,
                                          std::move(filtered));
      child_fd = fds[1];
    } else if (redirect) {
      child_fd = open_log(file);  // redirect only: straight to the file, no pipe
    } else if (filtered_out) {
      child_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    } else {
      return -1;  // inherited: the fast path
    }
    child_ends.push_back(child_fd);
    return child_fd;
  }
};

}  // namespace

SpawnedWorker spawn_worker(common::EventLoop& loop, const AgentConfig& cfg,
                           const RendezvousResult& round, int lr, const RankLogPaths& paths,
                           common::ProcessGuard* guard, const WorkerConsoles& consoles) {
  const LaunchConfig& c = cfg.launch;
  Environment env = build_worker_env(cfg.base_env, cfg.spec, round, lr, paths.error_file);
  bool filtered_out = !c.local_ranks_filter.empty() && !c.local_ranks_filter.count(lr);
  int tee = c.tee.for_rank(lr);
  int redirect = c.redirects.for_rank(lr) | tee;
  std::string prefix =
      log_line_prefix(cfg.prefix_template, cfg.spec.role, round.rank_offset + lr, lr);

  common::SpawnOptions spawn;
  spawn.program = cfg.program;
  spawn.argv = worker_argv(c, cfg.program, lr);
  spawn.env = common::to_envp(env);
  spawn.nofile_limit = cfg.worker_nofile;
  spawn.guard = guard;  // the worker registers its group before exec
  spawn.exec_error_prefix = "refrun: ";
  // fork without waiting for each exec: refrun is back on its loop as soon
  // as the last worker is forked. vfork saves CPU (no page-table copy) but
  // blocks refrun until each child has exec'd, which on a busy 2-core machine
  // delayed reacting to an early failure (common/README.md has the numbers).
  spawn.launcher = common::SpawnOptions::Launcher::kForkNoWait;

  SpawnedWorker w;
  std::vector<int> child_ends;
  try {
    StreamPlan s{loop, child_ends};
    spawn.stdout_fd = s.plan(tee & kStdOut, redirect & kStdOut, filtered_out, paths.stdout_log,
                             consoles.out, prefix, consoles.filtered_out, w.out);
    spawn.stderr_fd = s.plan(tee & kStdErr, redirect & kStdErr, filtered_out, paths.stderr_log,
                             consoles.err, prefix, consoles.filtered_err, w.err);
    w.proc = common::spawn(spawn);
  } catch (...) {
    for (int fd : child_ends) close(fd);
    throw;
  }
  for (int fd : child_ends) close(fd);
  return w;
}

}  // namespace refrun
