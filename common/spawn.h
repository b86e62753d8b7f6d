// Starting a program: fork (vfork by default) + exec on Boost.Process v2,
// with what a launcher needs between the two: its own process group, a
// parent-death signal, clean signals, only chosen fds, cwd, environment,
// stdio, and registration with a ProcessGuard before the program can run.
// How Boost.Process is used, and what 1.81 gets wrong: README.md here.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "common/process.h"

namespace common {

class ProcessGuard;

struct SpawnOptions {
  enum class Launcher {
    kVfork,  // the parent's memory is shared until exec: no page-table copy
    kFork,   // a full copy; kept to measure against and as a fallback
    // fork without waiting for the exec: the parent goes on at once. A
    // failed start shows only as exit 127 (and the message), never in
    // exec_error().
    kForkNoWait,
  };

  std::string program;            // the file execve() runs; no PATH search
  std::vector<std::string> argv;  // argv[0] included; empty: {program}
  // "NAME=value" entries; nullopt: this process's environ.
  std::optional<std::vector<std::string>> env;
  std::string cwd;  // empty: this process's
  // The parent's descriptors to install as the child's 0, 1, 2; -1 keeps the
  // parent's own (stderr_fd = 1 sends stderr where the parent's stdout goes).
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  // Descriptors besides 0-2 the program keeps (their close-on-exec flag is
  // cleared in the child). Every other descriptor is closed, inherited ones
  // included. At most 64.
  std::vector<int> keep_fds;
  bool new_process_group = true;      // the child leads its own group (pgid = pid)
  int parent_death_signal = SIGKILL;  // PR_SET_PDEATHSIG; 0: none
  // true: every signal disposition back to default and an empty signal mask.
  // false: ignored signals stay ignored and the caller's mask is kept.
  bool reset_signals = true;
  std::optional<rlimit> nofile_limit;  // RLIMIT_NOFILE for the child
  // The child registers its process group here itself, before execve, so a
  // SIGKILL of the parent at any moment leaves nothing unguarded. Needs
  // new_process_group. The guard also learns the group in the parent.
  ProcessGuard* guard = nullptr;
  // Non-empty: when the start fails in the child, it writes
  // "<prefix>cannot exec <program>: <reason>\n" (or "cannot chdir to ...")
  // to its stderr before exiting 127.
  std::string exec_error_prefix;
  Launcher launcher = Launcher::kVfork;
};

// Starts the program. The returned Process is valid also when the start
// failed in the child (exec_error() set; it exits 127), so a caller may
// treat that like any exit. Throws std::system_error when no child could
// be created (fork, pipe, pidfd_open) and std::invalid_argument for
// options that contradict each other.
Process spawn(const SpawnOptions& options);

// Why a start failed in the child, worded as the child's own message
// (exec_error_prefix) without prefix: "cannot chdir to /x: No such file or
// directory", "cannot exec /bin/x: Permission denied". "" when it did not.
std::string describe_exec_error(const SpawnOptions& options, const Process& p);

}  // namespace common
