// Kills the process groups of its owner's children if the owner dies without
// cleaning up (even by SIGKILL, where nothing of the owner runs any more).
// PR_SET_PDEATHSIG reaches a child only, not its children; so a small
// forked guard process reads a socket on which the owner registers ("+pgid")
// and releases ("-pgid") groups. When the socket reaches end-of-file without
// a goodbye, the guard SIGKILLs every group still registered.
//
// One protocol, whoever the owner: kill unless released or said goodbye.
// Children register their own group before execve (SpawnOptions::guard), so
// there is no window in which a group exists unguarded. The guard has its
// own process group and name ("<owner>-guard"), ignores every catchable
// signal, and its death is visible on pidfd() so the owner can restart it.
#pragma once

#include <sys/types.h>

#include <set>
#include <string>

namespace common {

class ProcessGuard {
 public:
  // `name`: the guard's process name (at most 15 bytes are kept); empty
  // means "<this process's name>-guard".
  explicit ProcessGuard(std::string name = {});
  // Without goodbye(): the guard kills every group still registered, then
  // exits; waits for it.
  ~ProcessGuard();
  ProcessGuard(const ProcessGuard&) = delete;
  ProcessGuard& operator=(const ProcessGuard&) = delete;

  // Forks the guard. Throws std::system_error if it cannot.
  void start();
  // Registers a process group (pgid > 1; others are ignored).
  void watch(pid_t pgid);
  // The group is gone or no longer ours: the guard forgets it.
  void release(pid_t pgid);
  // Clean end: the guard exits leaving every group alone; reaps it.
  void goodbye();
  // After the guard died (pidfd() readable): reaps it and starts a new one
  // that knows every group still registered. Throws like start().
  void restart();

  pid_t pid() const { return pid_; }
  // Readable once the guard has exited; -1 before start().
  int pidfd() const { return pidfd_; }
  // The socket a child writes "+<its pid>\n" to before execve (spawn.cpp
  // does it). Close-on-exec.
  int channel_fd() const { return fd_; }
  // Records a group that registered itself from the child: nothing is sent,
  // restart() will re-send it.
  void adopt(pid_t pgid);
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  int fd_ = -1;
  int pidfd_ = -1;
  pid_t pid_ = -1;
  std::set<pid_t> groups_;  // what the guard knows, for restart()
  void send(char op, pid_t pgid);
  void close_and_reap();
};

}  // namespace common
