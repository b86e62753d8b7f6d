#include "common/process_guard.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <unordered_set>

#include "common/process.h"

namespace common {

namespace {

// The guard must survive everything but SIGKILL: a terminal's ^C, a signal
// meant for its owner's group, `killall -USR1 <owner>`.
void ignore_every_signal() {
  for (int s = 1; s < NSIG; ++s)
    if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_IGN);
  // glibc refuses to touch its two reserved signals (32, 33; default action:
  // terminate), so the raw system call blocks exactly those. The guard runs
  // no threads and never setuid()s, so it does not need them.
  uint64_t reserved = (1ULL << (32 - 1)) | (1ULL << (33 - 1));
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &reserved, nullptr, sizeof reserved);
}

// Applies one record; true for "bye".
bool apply(const char* rec, size_t len, std::unordered_set<pid_t>& groups) {
  if (len == 3 && memcmp(rec, "bye", 3) == 0) return true;
  if (len < 2 || len > 12) return false;
  char num[16];
  memcpy(num, rec + 1, len - 1);
  num[len - 1] = '\0';
  long pgid = strtol(num, nullptr, 10);
  if (pgid <= 1 || pgid > INT_MAX) return false;
  if (rec[0] == '+') groups.insert(static_cast<pid_t>(pgid));
  if (rec[0] == '-') groups.erase(static_cast<pid_t>(pgid));
  return false;
}

// The guard process: forked, never exec'd. (glibc makes malloc safe after
// fork, and the guard is forked before its owner starts any thread.)
[[noreturn]] void guard_main(int fd, const char* name) {
  setpgid(0, 0);  // its own group: kill(-owner_group) never reaches it
  prctl(PR_SET_NAME, name);
  ignore_every_signal();
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
  }
  // Nothing of the owner's may stay open here (a pipe a reader waits on).
  if (fd > 3) syscall(SYS_close_range, 3, fd - 1, 0);
  syscall(SYS_close_range, fd + 1, INT_MAX, 0);

  std::unordered_set<pid_t> groups;
  bool bye = false;
  char buf[4096];
  std::string pending;
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      bye = apply(pending.data() + start, nl - start, groups) || bye;
      start = nl + 1;
    }
    pending.erase(0, start);
    if (pending.size() > 64) pending.clear();  // garbage: no record is that long
  }
  if (!bye)
    for (pid_t pgid : groups) kill_group(pgid, SIGKILL);
  _exit(0);
}

std::string default_name() {
  char comm[17] = {};
  if (prctl(PR_GET_NAME, comm) != 0) return "guard";
  return std::string(comm).substr(0, 15 - 6) + "-guard";
}

}  // namespace

ProcessGuard::ProcessGuard(std::string name)
    : name_(name.empty() ? default_name() : name.substr(0, 15)) {}

ProcessGuard::~ProcessGuard() {
  close_and_reap();  // no goodbye: the guard kills what is registered
}

void ProcessGuard::start() {
  int sv[2];
  // SEQPACKET: every record arrives whole, even from several writers (the
  // owner and its children before exec).
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::generic_category(), "guard socketpair");
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(sv[0]);
    close(sv[1]);
    throw std::system_error(err, std::generic_category(), "fork (guard)");
  }
  if (pid == 0) {
    close(sv[1]);
    guard_main(sv[0], name_.c_str());
  }
  close(sv[0]);
  fd_ = sv[1];
  pid_ = pid;
  pidfd_ = open_pidfd(pid);  // -1 only on pre-5.3 kernels: then no death notice
}

void ProcessGuard::send(char op, pid_t pgid) {
  if (fd_ < 0 || pgid <= 1) return;
  char rec[32];
  int len = std::snprintf(rec, sizeof rec, "%c%d\n", op, static_cast<int>(pgid));
  // MSG_NOSIGNAL: a dead guard shows on pidfd(), not as SIGPIPE.
  while (::send(fd_, rec, static_cast<size_t>(len), MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

void ProcessGuard::watch(pid_t pgid) {
  if (pgid <= 1) return;
  groups_.insert(pgid);
  send('+', pgid);
}

void ProcessGuard::adopt(pid_t pgid) {
  if (pgid > 1) groups_.insert(pgid);
}

void ProcessGuard::release(pid_t pgid) {
  groups_.erase(pgid);
  send('-', pgid);
}

void ProcessGuard::close_and_reap() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (pidfd_ >= 0) close(pidfd_);
  pidfd_ = -1;
  if (pid_ > 0)
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  pid_ = -1;
}

void ProcessGuard::goodbye() {
  if (fd_ < 0) return;
  while (::send(fd_, "bye\n", 4, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
  groups_.clear();
  close_and_reap();
}

void ProcessGuard::restart() {
  // Closing the socket of a live guard would make it kill every group.
  if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0) return;
  close_and_reap();
  start();
  for (pid_t pgid : groups_) send('+', pgid);
}

}  // namespace common
