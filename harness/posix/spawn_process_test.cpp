// Starting real programs: environment, directory, stdio, own process group,
// errors before and at execve, and death with the parent.
#include "spawn_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "pidfd.h"

namespace launchcheck {
namespace {

// Runs `sh -c script` and returns its exit status and stdout.
std::pair<int, std::string> run_sh(const std::string& script, SpawnOptions opt = {}) {
  int out[2];
  EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
  opt.exe = "/bin/sh";
  opt.argv = {"sh", "-c", script};
  opt.stdout_fd = out[1];
  Spawned s = spawn_process(opt);
  close(out[1]);
  EXPECT_GT(s.pid, 0);
  EXPECT_EQ(s.error, "");
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, n);
  close(out[0]);
  int status = 0;
  waitpid(s.pid, &status, 0);
  return {status, text};
}

TEST(SpawnProcess, GivesTheEnvironmentDirectoryAndStdio) {
  SpawnOptions opt;
  opt.envp = {"LC_X=hello"};
  opt.cwd = "/tmp";
  auto [status, out] = run_sh("echo $LC_X; pwd; cat", opt);  // stdin is /dev/null
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(out, "hello\n/tmp\n");
}

TEST(SpawnProcess, RunsInAGroupOfItsOwnWithDefaultSignals) {
  signal(SIGTERM, SIG_IGN);  // ignored here: the child must not inherit that
  auto [status, out] = run_sh("read -r a b c d pgid rest </proc/$$/stat; echo $$ $pgid; kill -TERM $$; sleep 5");
  signal(SIGTERM, SIG_DFL);
  int pid = 0, pgid = 0;
  ASSERT_EQ(sscanf(out.c_str(), "%d %d", &pid, &pgid), 2) << out;
  EXPECT_EQ(pid, pgid);
  EXPECT_NE(pgid, getpgrp());
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

TEST(SpawnProcess, SaysWhyAProgramCannotStart) {
  SpawnOptions opt;
  opt.exe = "/nonexistent/prog";
  opt.argv = {"prog"};
  Spawned s = spawn_process(opt);
  EXPECT_EQ(s.error, "cannot execute prog: No such file or directory");
  EXPECT_FALSE(s.setup_failed);
  int status = 0;
  ASSERT_EQ(waitpid(s.pid, &status, 0), s.pid);
  EXPECT_EQ(WEXITSTATUS(status), 127);

  opt.exe = "";  // not found on PATH
  s = spawn_process(opt);
  EXPECT_EQ(s.error, "cannot execute prog: No such file or directory");
  waitpid(s.pid, nullptr, 0);
}

// A working directory that cannot be entered is reported, not ignored.
TEST(SpawnProcess, ReportsADirectoryItCannotEnter) {
  SpawnOptions opt;
  opt.exe = "/bin/true";
  opt.argv = {"true"};
  opt.cwd = "/nonexistent-dir";
  Spawned s = spawn_process(opt);
  EXPECT_EQ(s.error, "cannot change into /nonexistent-dir: No such file or directory");
  EXPECT_TRUE(s.setup_failed);
  waitpid(s.pid, nullptr, 0);
}

// A process started by `start` in a middle process dies when that middle
// process is SIGKILLed: true when it did within 5 s.
bool dies_with_its_parent(pid_t (*start)()) {
  int report[2];
  if (pipe(report) != 0) return false;
  pid_t middle = fork();
  if (middle == 0) {
    pid_t child = start();
    (void)!write(report[1], &child, sizeof child);
    pause();
    _exit(0);
  }
  pid_t child = 0;
  bool died = false;
  if (read(report[0], &child, sizeof child) == static_cast<ssize_t>(sizeof child) && child > 0) {
    int fd = open_pidfd(child);
    kill(middle, SIGKILL);
    pollfd p{fd, POLLIN, 0};
    died = fd >= 0 && poll(&p, 1, 5000) == 1;
    if (fd >= 0) close(fd);
  }
  kill(middle, SIGKILL);
  waitpid(middle, nullptr, 0);
  close(report[0]);
  close(report[1]);
  return died;
}

TEST(SpawnProcess, DiesWithItsParent) {
  EXPECT_TRUE(dies_with_its_parent([] {
    SpawnOptions opt;
    opt.exe = "/bin/sleep";
    opt.argv = {"sleep", "30"};
    return spawn_process(opt).pid;
  }));
}

TEST(SpawnProcess, ATiedForkDiesWithItsParent) {
  EXPECT_TRUE(dies_with_its_parent([] {
    pid_t worker = fork_tied();
    if (worker == 0) {
      pause();
      _exit(0);
    }
    return worker;
  }));
}

}  // namespace
}  // namespace launchcheck
