#include "common/subreaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "common/clock.h"

namespace common {

bool become_subreaper() {
  return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
}

std::vector<ProcessInfo> live_descendants(pid_t spare) {
  std::vector<ProcessInfo> out;
  for (const auto& p : descendants_of(getpid(), read_process_table()))
    if (p.state != 'Z' && p.pid != spare) out.push_back(p);
  return out;
}

void kill_descendants(pid_t spare) {
  for (int round = 0; round < 10; ++round) {
    auto live = live_descendants(spare);
    if (live.empty()) break;
    for (const auto& p : live) kill(p.pid, SIGKILL);
  }
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
