#include "survivors.h"

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include "common/clock.h"
#include "common/subreaper.h"

namespace launchcheck {

namespace {

void wait_for_exits(const std::vector<common::ProcessInfo>& live, double grace_s) {
  std::vector<pollfd> fds;
  for (auto& p : live) {
    int fd = common::open_pidfd(p.pid);
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
  auto live = common::live_descendants(spare);
  if (live.empty()) return out;
  wait_for_exits(live, grace_s);
  for (auto& p : common::live_descendants(spare))
    out.push_back({p.pid, p.ppid, common::process_cmdline(p.pid)});
  return out;
}

void kill_run(pid_t spare, const std::set<pid_t>& groups) {
  common::kill_descendants(spare);
  for (pid_t g : groups) common::kill_group(g, SIGKILL);
}

void record_exit(AgentRecord& rec, const common::ExitStatus& status) {
  rec.end_ns = common::now_ns();
  rec.exited = true;
  if (status.is_killed())
    rec.signo = status.signal();
  else
    rec.exit_code = status.exit_code();
}

void reap_agent(AgentRecord& rec, common::Process& agent) {
  if (!rec.pid || rec.exited || agent.pidfd() < 0) return;
  record_exit(rec, agent.wait());
}

}  // namespace launchcheck
