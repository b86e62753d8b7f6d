// Kills the workers' process groups if refrun dies without cleaning up.
// PR_SET_PDEATHSIG reaches the workers only, not their children; so a tiny
// forked guard process holds the read end of a pipe on which refrun registers
// ("+pgid") and releases ("-pgid") groups. If the pipe reaches EOF without a
// "bye" (refrun was SIGKILLed), the guard SIGKILLs every registered group.
#pragma once

#include <sys/types.h>

class ProcessGuard {
 public:
  ProcessGuard() = default;
  ~ProcessGuard();
  ProcessGuard(const ProcessGuard&) = delete;
  ProcessGuard& operator=(const ProcessGuard&) = delete;

  // Forks the guard. Throws std::runtime_error if it cannot.
  void start();
  void add(pid_t pgid);
  void remove(pid_t pgid);
  // Clean exit: tells the guard to leave the groups alone, waits for it.
  void finish();
  pid_t pid() const { return pid_; }

 private:
  int fd_ = -1;
  pid_t pid_ = -1;
  void send(char op, pid_t pgid);
};
