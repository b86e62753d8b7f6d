#include "survivors.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include "clock.h"
#include "pidfd.h"
#include "process_table.h"

namespace launchcheck {

namespace {

void wait_for_exits(const std::vector<ProcInfo>& live, double grace_s) {
  std::vector<pollfd> fds;
  for (auto& p : live) {
    int fd = open_pidfd(p.pid);
    if (fd >= 0) fds.push_back({fd, POLLIN, 0});
  }
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::microseconds(static_cast<int64_t>(grace_s * 1e6));
  size_t done = 0;
  while (done < fds.size()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    int n = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (n <= 0) break;
    for (auto& p : fds)
      if (p.fd >= 0 && p.revents) {
        close(p.fd);
        p.fd = -1;
        ++done;
      }
  }
  for (auto& p : fds)
    if (p.fd >= 0) close(p.fd);
}

}  // namespace

std::vector<SurvivorRecord> find_survivors(pid_t spare, double grace_s) {
  std::vector<SurvivorRecord> out;
  auto live = live_descendants(spare);
  if (live.empty()) return out;
  wait_for_exits(live, grace_s);
  for (auto& p : live_descendants(spare)) out.push_back({p.pid, p.ppid, process_cmdline(p.pid)});
  return out;
}

void kill_run(pid_t spare, const std::set<pid_t>& groups) {
  kill_descendants(spare);
  for (pid_t g : groups) kill(-g, SIGKILL);
}

void record_exit(AgentRecord& rec, int status) {
  rec.end_ns = now_ns();
  rec.exited = true;
  if (WIFSIGNALED(status))
    rec.signo = WTERMSIG(status);
  else
    rec.exit_code = WEXITSTATUS(status);
}

void reap_agent(AgentRecord& rec) {
  if (!rec.pid || rec.exited) return;
  int status = 0;
  if (waitpid(rec.pid, &status, 0) == rec.pid) record_exit(rec, status);
}

}  // namespace launchcheck
