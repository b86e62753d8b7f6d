// Starting and reaping one worker process. The child gets its own process
// group (so stopping it reaches its children too) and PR_SET_PDEATHSIG, so it
// dies with refrun even when refrun is SIGKILLed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

struct WorkerStdio {
  int out = -1;  // -1: inherit refrun's
  int err = -1;
};

struct SpawnedProcess {
  pid_t pid = -1;
  int pidfd = -1;  // readable once the process has exited
};

// fork + exec. Throws std::runtime_error when the process cannot be created;
// an exec failure shows up as exit code 127 with a line on the worker's stderr.
SpawnedProcess spawn_process(const std::string& path, const std::vector<std::string>& argv,
                             const std::vector<std::string>& envp, const WorkerStdio& stdio);

// Reaps an exited process through its pidfd. Returns torchelastic's exit
// code: the status, or -signo when a signal killed it. With `block` false
// returns false when the process is still running.
bool reap_process(const SpawnedProcess& p, int& exitcode, bool block = true);

int pidfd_open_compat(pid_t pid);

// kill(-pgid, signo), refusing pgid <= 1: kill(-1) would signal every
// process refrun may signal, a disaster for a launcher often run as root.
void kill_group(pid_t pgid, int signo);

// Tee'd streams, log files and pidfds need several descriptors per worker:
// raises refrun's soft RLIMIT_NOFILE to the hard limit. Workers get the
// original limit back before exec.
void raise_open_file_limit();
