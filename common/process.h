// A started child process as its owner holds it: pid plus a pidfd (readable
// once the process has exited; watch it in an EventLoop), reaping into an
// ExitStatus, signals through the pidfd so a recycled pid is never hit.
// spawn() in spawn.h makes these.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <optional>

#include "common/exit_status.h"

namespace common {

// Where a start that failed in the child failed (Process::exec_error_step):
// the caller's setup (a working directory that cannot be entered) is not
// the program's fault, a failed execve is.
enum class SpawnStep {
  kNone,          // no failure known
  kProcessGroup,  // setpgid
  kStdio,         // installing stdin/stdout/stderr
  kChdir,         // the working directory
  kExec,          // execve itself
};

class Process {
 public:
  Process() = default;
  // Takes ownership of pidfd. exec_error: see below.
  Process(pid_t pid, int pidfd, int exec_error = 0, SpawnStep exec_error_step = SpawnStep::kNone)
      : pid_(pid), pidfd_(pidfd), exec_error_(exec_error), exec_error_step_(exec_error_step) {}
  // Closes the pidfd. Never kills and never reaps: the owner decides.
  ~Process();
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_; }
  // errno of a start that failed in the child (chdir, dup2, execve...): the
  // child then exits 127 without running the program. 0 when it runs.
  int exec_error() const { return exec_error_; }
  // The step that failed, when exec_error() is set (kExec when the child
  // got as far as execve); kNone otherwise.
  SpawnStep exec_error_step() const { return exec_error_step_; }

  // Reaps the process if it has exited, without blocking; nullopt while it
  // runs. Once reaped, returns the same status again.
  std::optional<ExitStatus> try_reap();
  // Blocks until the process exits; reaps it.
  ExitStatus wait();
  std::optional<ExitStatus> status() const { return status_; }
  // The resources the process and its reaped children used (getrusage's
  // RUSAGE_CHILDREN share for this one child, as wait4 reports it); null
  // until it is reaped.
  const rusage* resource_usage() const { return usage_ ? &*usage_ : nullptr; }

  // Sends a signal to the process (not its group) through the pidfd; false
  // when it has already been reaped or the kernel refuses.
  bool send_signal(int signo);
  // Closes the pidfd early (the pid stays known, for reports).
  void close_pidfd();

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int exec_error_ = 0;
  SpawnStep exec_error_step_ = SpawnStep::kNone;
  std::optional<ExitStatus> status_;
  std::optional<rusage> usage_;
  std::optional<ExitStatus> reap(bool block);
};

// pidfd_open(2), close-on-exec. -1 with errno on failure. (glibc 2.36's
// <sys/pidfd.h> lacks extern "C", so this is the raw system call.)
int open_pidfd(pid_t pid);

// pidfd_send_signal(2): signals the process a pidfd names (any process, not
// only a child), never a recycled pid. False when it is gone or the kernel
// refuses.
bool signal_pidfd(int pidfd, int signo);

// kill(-pgid, signo), refusing pgid <= 1: kill(-1) would signal every
// process the caller may signal, a disaster for a launcher run as root.
// False when refused or when kill() fails.
bool kill_group(pid_t pgid, int signo);

}  // namespace common
