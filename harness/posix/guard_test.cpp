// The guard kills the groups it was told about unless it hears goodbye.
#include "guard.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "pidfd.h"
#include "spawn_process.h"

namespace launchcheck {
namespace {

pid_t sleeper() {
  SpawnOptions opt;
  opt.exe = "/bin/sleep";
  opt.argv = {"sleep", "30"};
  return spawn_process(opt).pid;
}

bool dies_within(pid_t pid, int ms) {
  int fd = open_pidfd(pid);
  if (fd < 0) return true;
  pollfd p{fd, POLLIN, 0};
  bool died = poll(&p, 1, ms) == 1;
  close(fd);
  return died;
}

// A guard whose runner is gone (its pipe closed without goodbye) kills.
TEST(Guard, KillsTheGroupsWhenTheRunnerVanishes) {
  pid_t pid = sleeper();
  {
    Guard g;
    g.start();
    g.watch_group(pid);
  }  // the pipe closes without goodbye, as when the runner dies
  EXPECT_TRUE(dies_within(pid, 5000));
  waitpid(pid, nullptr, 0);
}

TEST(Guard, SparesThemAfterGoodbye) {
  pid_t pid = sleeper();
  Guard g;
  g.start();
  g.watch_group(pid);
  g.goodbye();
  EXPECT_FALSE(dies_within(pid, 300));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace
}  // namespace launchcheck
