#include "worker_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace {
bool g_limit_raised = false;
rlimit g_original_nofile{};
}  // namespace

void raise_open_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max) return;
  rlimit raised = lim;
  raised.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
    g_original_nofile = lim;
    g_limit_raised = true;
  }
}

void kill_group(pid_t pgid, int signo) {
  if (pgid > 1) kill(-pgid, signo);
}

int pidfd_open_compat(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

// Only async-signal-safe calls between fork and exec.
[[noreturn]] static void exec_child(pid_t parent, const char* path, char* const* argv,
                                    char* const* envp, const WorkerStdio& stdio) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // refrun may have died before prctl took effect; then nobody would kill us.
  if (getppid() != parent) _exit(127);
  // refrun blocks the signals it handles and ignores SIGPIPE; workers start clean.
  for (int s = 1; s < NSIG; ++s)
    if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (g_limit_raised) setrlimit(RLIMIT_NOFILE, &g_original_nofile);
  if (stdio.out >= 0 && dup2(stdio.out, 1) < 0) _exit(127);
  if (stdio.err >= 0 && dup2(stdio.err, 2) < 0) _exit(127);
  execve(path, argv, envp);
  int err = errno;
  const char* msg = strerror(err);
  const char* parts[] = {"refrun: cannot exec ", path, ": ", msg, "\n"};
  for (const char* p : parts) {
    ssize_t ignored = write(2, p, strlen(p));
    (void)ignored;
  }
  _exit(127);
}

SpawnedProcess spawn_process(const std::string& path, const std::vector<std::string>& argv,
                             const std::vector<std::string>& envp, const WorkerStdio& stdio) {
  // Build the C arrays before fork: no allocation in the child.
  std::vector<char*> cargv, cenvp;
  for (auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (auto& e : envp) cenvp.push_back(const_cast<char*>(e.c_str()));
  cenvp.push_back(nullptr);

  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid == 0) exec_child(parent, path.c_str(), cargv.data(), cenvp.data(), stdio);
  // Also from the parent, so the group exists before anyone signals it.
  setpgid(pid, pid);
  SpawnedProcess p;
  p.pid = pid;
  p.pidfd = pidfd_open_compat(pid);
  if (p.pidfd < 0) {
    int err = errno;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    throw std::runtime_error(std::string("pidfd_open: ") + strerror(err));
  }
  fcntl(p.pidfd, F_SETFD, FD_CLOEXEC);
  return p;
}

bool reap_process(const SpawnedProcess& p, int& exitcode, bool block) {
  siginfo_t info{};
  int flags = WEXITED | (block ? 0 : WNOHANG);
  while (waitid(static_cast<idtype_t>(P_PIDFD), p.pidfd, &info, flags) != 0) {
    if (errno == EINTR) continue;
    throw std::runtime_error(std::string("waitid: ") + strerror(errno));
  }
  if (info.si_pid == 0) return false;  // WNOHANG and still running
  exitcode = info.si_code == CLD_EXITED ? info.si_status : -info.si_status;
  return true;
}
