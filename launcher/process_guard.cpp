#include "process_guard.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_set>

namespace {

[[noreturn]] void guard_main(int fd) {
  // Its own group, signals ignored: a terminal's Ctrl-C or a signal meant
  // for refrun's group must not take the guard away with it.
  setpgid(0, 0);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU})
    signal(s, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
  }
  // Close everything else refrun had open (CLOEXEC does not apply: no exec).
  for (int other = 3; other < 1024; ++other)
    if (other != fd) close(other);

  std::unordered_set<pid_t> groups;
  std::string pending;
  char buf[4096];
  bool bye = false;
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    std::string::size_type nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string rec = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (rec == "bye") {
        bye = true;
      } else if (rec.size() > 1) {
        pid_t pgid = static_cast<pid_t>(std::atol(rec.c_str() + 1));
        if (rec[0] == '+') groups.insert(pgid);
        if (rec[0] == '-') groups.erase(pgid);
      }
    }
  }
  if (!bye)
    for (pid_t pgid : groups)
      if (pgid > 1) kill(-pgid, SIGKILL);
  _exit(0);
}

}  // namespace

void ProcessGuard::start() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    close(fds[1]);
    guard_main(fds[0]);
  }
  close(fds[0]);
  fd_ = fds[1];
  pid_ = pid;
}

void ProcessGuard::send(char op, pid_t pgid) {
  if (fd_ < 0) return;
  char rec[32];
  int len = std::snprintf(rec, sizeof rec, "%c%d\n", op, static_cast<int>(pgid));
  // Records are far below PIPE_BUF, so each write is atomic.
  while (write(fd_, rec, static_cast<size_t>(len)) < 0 && errno == EINTR) {
  }
}

void ProcessGuard::add(pid_t pgid) {
  send('+', pgid);
}
void ProcessGuard::remove(pid_t pgid) {
  send('-', pgid);
}

void ProcessGuard::finish() {
  if (fd_ < 0) return;
  const char bye[] = "bye\n";
  while (write(fd_, bye, sizeof bye - 1) < 0 && errno == EINTR) {
  }
  close(fd_);
  fd_ = -1;
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

ProcessGuard::~ProcessGuard() {
  finish();
}
