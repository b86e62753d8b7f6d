// The guard is tested with a real orphan: a process group registered with a
// guard whose owner "dies" (the pipe closes without bye) must be killed.
#include "process_guard.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace {
pid_t start_sleeper() {
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);
  return pid;
}

// True when the child exits (by a signal) within a generous timeout.
bool killed_by_signal(pid_t pid) {
  for (int i = 0; i < 2000; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFSIGNALED(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return false;
}
}  // namespace

TEST(ProcessGuard, KillsRegisteredGroupsWhenItsOwnerVanishes) {
  // The orphaned guard becomes our child, so we can reap it afterwards.
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  pid_t sleeper = start_sleeper();
  // The owner is a forked copy of this test that registers and then dies
  // without saying bye, as refrun does when SIGKILLed.
  pid_t owner = fork();
  if (owner == 0) {
    ProcessGuard guard;
    guard.start();
    guard.add(sleeper);
    _exit(0);  // no finish(): the guard sees EOF without "bye"
  }
  waitpid(owner, nullptr, 0);
  EXPECT_TRUE(killed_by_signal(sleeper));
  // The guard exits once it has killed the group.
  for (int i = 0; i < 2000 && waitpid(-1, nullptr, WNOHANG) >= 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

TEST(ProcessGuard, LeavesGroupsAloneAfterACleanFinishOrRemove) {
  pid_t kept = start_sleeper();
  pid_t removed = start_sleeper();
  {
    ProcessGuard guard;
    guard.start();
    guard.add(kept);
    guard.add(removed);
    guard.remove(removed);
    guard.finish();
  }
  int status = 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(waitpid(kept, &status, WNOHANG), 0);  // still running
  EXPECT_EQ(waitpid(removed, &status, WNOHANG), 0);
  kill(kept, SIGKILL);
  kill(removed, SIGKILL);
  waitpid(kept, nullptr, 0);
  waitpid(removed, nullptr, 0);
}
