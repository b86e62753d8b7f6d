// The guard: a forked (not exec'd) child holding the read end of a pipe from
// the runner. The runner tells it every process group of the run; if the pipe
// closes without a goodbye (the runner died, even by SIGKILL), the guard
// SIGKILLs those groups, so nothing of a scenario outlives it. Harness-local
// until common/ provides the merged guard.
#pragma once

#include <sys/types.h>

namespace launchcheck {

class Guard {
 public:
  Guard() = default;
  ~Guard();
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

  // Forks the guard. Throws std::runtime_error on failure.
  void start();
  void watch_group(pid_t pgid);
  // Clean end: the guard exits without killing anything; reaps it.
  void goodbye();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
};

}  // namespace launchcheck
