// Starting a program the way the runner starts launchers: in a process group
// of its own (so the guard and a timeout can kill it whole), killed when its
// parent dies (PR_SET_PDEATHSIG), with the default signal mask and handlers,
// stdin from /dev/null unless told, the given stdout/stderr, working
// directory and environment. Harness-local until common/ provides the
// process layer.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace launchcheck {

struct SpawnOptions {
  std::string exe;  // the file to execute; "" when it was not found (ENOENT)
  std::vector<std::string> argv;
  std::vector<std::string> envp;  // "K=V": the whole environment
  std::string cwd;                // "" keeps ours
  int stdin_fd = -1;              // -1: /dev/null
  int stdout_fd = -1;             // -1: ours
  int stderr_fd = -1;             // -1: ours
};

struct Spawned {
  pid_t pid = -1;  // -1 when no process was created
  // Why the program did not start, "" when it did. With a pid, the child
  // exists and has exited 127 (reap it like any other).
  std::string error;
  // The child failed before execve (chdir): the caller's setup, not the program.
  bool setup_failed = false;
};

// Returns once the program runs (execve succeeded) or failed to.
Spawned spawn_process(const SpawnOptions& opt);

// fork() for a copy of this process that works for it (no exec): the child
// is SIGKILLed when this process dies. Returns as fork() does; stdio is
// flushed first so nothing buffered is written twice.
pid_t fork_tied();

}  // namespace launchcheck
