#include "common/process.h"

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace common {

int open_pidfd(pid_t pid) {
  // pidfd_open always sets close-on-exec.
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

bool signal_pidfd(int pidfd, int signo) {
  return pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0) == 0;
}

bool kill_group(pid_t pgid, int signo) {
  return pgid > 1 && kill(-pgid, signo) == 0;
}

Process::~Process() {
  close_pidfd();
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      exec_error_(other.exec_error_),
      exec_error_step_(other.exec_error_step_),
      status_(other.status_),
      usage_(other.usage_) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    close_pidfd();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::exchange(other.pidfd_, -1);
    exec_error_ = other.exec_error_;
    exec_error_step_ = other.exec_error_step_;
    status_ = other.status_;
    usage_ = other.usage_;
  }
  return *this;
}

void Process::close_pidfd() {
  if (pidfd_ >= 0) ::close(pidfd_);
  pidfd_ = -1;
}

std::optional<ExitStatus> Process::reap(bool block) {
  if (status_) return status_;
  if (pidfd_ < 0) throw std::logic_error("reaping a process without its pidfd");
  siginfo_t info{};
  rusage usage{};
  int flags = WEXITED | (block ? 0 : WNOHANG);
  // P_PIDFD: the pidfd names this very process even if its pid was reused.
  // The raw system call takes a fifth argument glibc's waitid() hides: the
  // child's rusage, as wait4 gives it.
  while (syscall(SYS_waitid, P_PIDFD, pidfd_, &info, flags, &usage) != 0) {
    if (errno == EINTR) continue;
    throw std::runtime_error("waitid(pid " + std::to_string(pid_) + "): " + strerror(errno));
  }
  if (info.si_pid == 0) return std::nullopt;  // WNOHANG and still running
  status_ = ExitStatus::from_siginfo(info);
  usage_ = usage;
  return status_;
}

std::optional<ExitStatus> Process::try_reap() {
  return reap(false);
}

ExitStatus Process::wait() {
  return *reap(true);
}

bool Process::send_signal(int signo) {
  return !status_ && signal_pidfd(pidfd_, signo);
}

}  // namespace common
