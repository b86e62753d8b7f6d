#include "guard.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

namespace launchcheck {

namespace {

// Runs in the forked child: only plain syscalls, no allocation after fork.
[[noreturn]] void guard_main(int fd) {
  // The guard must outlive the runner to do its job: ignore the signals a
  // terminal or a test harness sends the whole group.
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  pid_t groups[4096];
  int n = 0;
  char buf[512];
  char line[32];
  int len = 0;
  bool bye = false;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    for (ssize_t i = 0; i < r; ++i) {
      if (buf[i] != '\n') {
        if (len < 31) line[len++] = buf[i];
        continue;
      }
      line[len] = 0;
      len = 0;
      if (strcmp(line, "bye") == 0) {
        bye = true;
      } else if (n < 4096) {
        long g = strtol(line, nullptr, 10);
        if (g > 1) groups[n++] = static_cast<pid_t>(g);
      }
    }
  }
  if (!bye)
    for (int i = 0; i < n; ++i) kill(-groups[i], SIGKILL);
  _exit(0);
}

}  // namespace

Guard::~Guard() {
  if (fd_ >= 0) close(fd_);
  if (pid_ > 0) waitpid(pid_, nullptr, 0);
}

void Guard::start() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    close(fds[1]);
    // Its own group, so kill(-agent_group) never hits it and a terminal's
    // ^C to the runner's group does not take it down first.
    setpgid(0, 0);
    guard_main(fds[0]);
  }
  close(fds[0]);
  pid_ = pid;
  fd_ = fds[1];
}

void Guard::watch_group(pid_t pgid) {
  if (fd_ < 0 || pgid <= 1) return;
  std::string line = std::to_string(pgid) + "\n";
  (void)!write(fd_, line.data(), line.size());
}

void Guard::goodbye() {
  if (fd_ < 0) return;
  (void)!write(fd_, "bye\n", 4);
  close(fd_);
  fd_ = -1;
  if (pid_ > 0) waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace launchcheck
