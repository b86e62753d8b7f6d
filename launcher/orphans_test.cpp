#include "orphans.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>

namespace refrun {

namespace {

// Runs `body` in a forked child (a subreaper changes the whole process) and
// returns its exit code.
template <typename F>
int in_child(F body) {
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

}  // namespace

TEST(Orphans, ASetsidDescendantComesBackAndIsKilled) {
  char path[] = "/tmp/refrun_orphan_XXXXXX";
  close(mkstemp(path));
  int code = in_child([&] {
    if (!become_child_subreaper()) return 10;
    // The shell starts a session of its own for `sleep` and exits at once:
    // sleep is re-parented to us, not to init.
    std::string cmd = std::string("setsid sleep 60 & echo $! > ") + path;
    if (system(cmd.c_str()) != 0) return 11;
    pid_t sleeper = 0;
    std::ifstream(path) >> sleeper;
    if (sleeper <= 0 || kill(sleeper, 0) != 0) return 12;
    for (int i = 0; i < 200; ++i) {  // setsid may fork once more
      auto kids = children_of(getpid());
      if (!kids.empty()) break;
      usleep(10000);
    }
    if (kill_leftover_descendants({}) < 1) return 13;
    if (kill(sleeper, 0) == 0) return 14;  // gone and reaped, not a zombie
    return children_of(getpid()).empty() ? 0 : 15;
  });
  EXPECT_EQ(code, 0);
  unlink(path);
}

TEST(Orphans, KeptSubtreesAreLeftAlone) {
  int code = in_child([] {
    pid_t keep = fork();
    if (keep == 0) {
      pause();
      _exit(0);
    }
    if (kill_leftover_descendants({keep}) != 0) return 20;
    if (kill(keep, 0) != 0) return 21;
    kill(keep, SIGKILL);
    waitpid(keep, nullptr, 0);
    return 0;
  });
  EXPECT_EQ(code, 0);
}

}  // namespace refrun
