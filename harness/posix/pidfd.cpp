#include "pidfd.h"

#include <sys/syscall.h>
#include <unistd.h>

namespace launchcheck {

// glibc 2.36's <sys/pidfd.h> lacks extern "C"; the raw syscalls are portable.
int open_pidfd(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

int pidfd_signal(int pidfd, int signo) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0));
}

}  // namespace launchcheck
