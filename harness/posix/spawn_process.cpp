#include "spawn_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace launchcheck {

namespace {

// What the child sends back through a close-on-exec pipe when it fails
// before or at execve. Nothing arrives when execve succeeds.
struct ChildError {
  int stage;  // kChdir or kExec
  int err;
};
constexpr int kChdir = 1, kExec = 2;

// Runs in the forked child: async-signal-safe calls only.
[[noreturn]] void child(const SpawnOptions& opt, pid_t parent, int report_fd, char** argv,
                        char** envp) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent died before prctl
  int in = opt.stdin_fd >= 0 ? opt.stdin_fd : open("/dev/null", O_RDONLY);
  dup2(in, 0);
  if (opt.stdout_fd >= 0) dup2(opt.stdout_fd, 1);
  if (opt.stderr_fd >= 0) dup2(opt.stderr_fd, 2);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) signal(sig, SIG_DFL);
  ChildError e{kExec, ENOENT};
  if (!opt.cwd.empty() && chdir(opt.cwd.c_str()) != 0) {
    e = {kChdir, errno};
  } else if (!opt.exe.empty()) {
    execve(opt.exe.c_str(), argv, envp);
    e.err = errno;
  }
  (void)!write(report_fd, &e, sizeof e);
  _exit(127);
}

}  // namespace

Spawned spawn_process(const SpawnOptions& opt) {
  Spawned out;
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    out.error = std::string("pipe: ") + strerror(errno);
    return out;
  }
  // Everything the child needs is prepared before fork: it must not allocate.
  std::vector<char*> argv, envp;
  for (auto& a : opt.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : opt.envp) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    out.error = std::string("fork: ") + strerror(errno);
    close(report[0]);
    close(report[1]);
    return out;
  }
  if (pid == 0) {
    close(report[0]);
    child(opt, parent, report[1], argv.data(), envp.data());
  }
  setpgid(pid, pid);  // both sides, so the group exists before anyone signals it
  close(report[1]);
  ChildError e{};
  ssize_t n;
  do n = read(report[0], &e, sizeof e);
  while (n < 0 && errno == EINTR);
  close(report[0]);
  out.pid = pid;
  if (n == static_cast<ssize_t>(sizeof e)) {
    std::string name = opt.argv.empty() ? opt.exe : opt.argv[0];
    out.setup_failed = e.stage == kChdir;
    out.error = e.stage == kChdir ? "cannot change into " + opt.cwd + ": " + strerror(e.err)
                                  : "cannot execute " + name + ": " + strerror(e.err);
  }
  return out;
}

pid_t fork_tied() {
  pid_t parent = getpid();
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);  // the parent died before prctl
  }
  return pid;
}

}  // namespace launchcheck
