// pidfds: a handle on a process that a recycled pid can never alias.
// Harness-local until common/ provides them.
#pragma once

#include <sys/types.h>

namespace launchcheck {

// -1 (errno set) when the process is gone or pidfds are unsupported.
int open_pidfd(pid_t pid);
// 0 on success, -1 (errno set) when the process is gone.
int pidfd_signal(int pidfd, int signo);

}  // namespace launchcheck
