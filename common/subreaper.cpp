#include "common/subreaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <set>

#include "common/clock.h"

namespace common {

bool become_subreaper() {
  return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
}

std::vector<ProcessInfo> live_descendants(pid_t spare) {
  std::vector<ProcessInfo> out;
  std::vector<pid_t> todo = children_of(getpid());
  // The count bound guards against a cycle read while pids were recycled.
  for (size_t seen = 0; !todo.empty() && seen < 100000; ++seen) {
    pid_t pid = todo.back();
    todo.pop_back();
    if (pid == spare) continue;
    auto p = read_process(pid);
    // A zombie is dead, and its children were re-parented already.
    if (!p || p->state == 'Z') continue;
    out.push_back(*p);
    for (pid_t c : children_of(pid)) todo.push_back(c);
  }
  return out;
}

namespace {

// Reaps this process's dead children but `spare` (re-parented orphans).
void reap_dead_children(pid_t spare) {
  for (pid_t c : children_of(getpid()))
    if (c != spare) waitpid(c, nullptr, WNOHANG);
}

}  // namespace

int kill_descendants(pid_t spare, ReapKilled reap) {
  std::set<pid_t> killed;
  int64_t give_up = now_ns() + 500'000'000;
  for (;;) {
    auto live = live_descendants(spare);
    if (reap == ReapKilled::kReap) reap_dead_children(spare);
    if (live.empty() || now_ns() >= give_up) break;
    for (const auto& p : live)
      if (kill(p.pid, SIGKILL) == 0) killed.insert(p.pid);
    usleep(1000);  // let the signals land before the next walk
  }
  return static_cast<int>(killed.size());
}

void reap_children(double limit_s) {
  int64_t give_up = now_ns() + static_cast<int64_t>(limit_s * 1e9);
  for (;;) {
    pid_t r = waitpid(-1, nullptr, WNOHANG);
    if (r > 0) continue;
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || now_ns() >= give_up) break;  // ECHILD: every child reaped
    usleep(1000);
  }
}

}  // namespace common
