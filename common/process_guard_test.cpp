// The guard with real orphans: groups registered with a guard whose owner
// "dies" (the socket closes without goodbye) must be killed; groups released
// or said goodbye to must not; the guard survives catchable signals.
#include "common/process_guard.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "common/spawn.h"

namespace common {
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

// True when the process exits by a signal within a generous timeout; kills
// and reaps it otherwise.
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

bool still_running(pid_t pid) {
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return waitpid(pid, nullptr, WNOHANG) == 0;
}

void stop(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

// Reaps what a vanished owner left to us (we are the subreaper).
void reap_orphans() {
  for (int i = 0; i < 2000 && waitpid(-1, nullptr, WNOHANG) >= 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

TEST(ProcessGuard, KillsRegisteredGroupsWhenItsOwnerVanishes) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);  // the orphaned guard becomes ours
  pid_t sleeper = start_sleeper();
  // The owner is a forked copy of this test that registers and dies without
  // goodbye, as refrun does when SIGKILLed.
  pid_t owner = fork();
  if (owner == 0) {
    ProcessGuard guard;
    guard.start();
    guard.watch(sleeper);
    _exit(0);
  }
  waitpid(owner, nullptr, 0);
  EXPECT_TRUE(killed_by_signal(sleeper));
  reap_orphans();
}

TEST(ProcessGuard, LeavesGroupsAloneAfterGoodbyeOrRelease) {
  pid_t kept = start_sleeper();
  pid_t released = start_sleeper();
  {
    ProcessGuard guard;
    guard.start();
    guard.watch(kept);
    guard.watch(released);
    guard.release(released);
    guard.goodbye();
  }
  EXPECT_TRUE(still_running(kept));
  stop(kept);
  pid_t again = start_sleeper();
  {
    ProcessGuard guard;
    guard.start();
    guard.watch(released);
    guard.watch(again);
    guard.release(released);
  }  // destroyed without goodbye: kills what is still registered
  EXPECT_TRUE(still_running(released));
  EXPECT_TRUE(killed_by_signal(again));
  stop(released);
}

std::string comm_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

TEST(ProcessGuard, SurvivesEveryCatchableSignalAndCarriesItsName) {
  ProcessGuard guard("lc-test-guard");
  guard.start();
  pollfd pfd{guard.pidfd(), POLLIN, 0};
  for (int i = 0; i < 200 && comm_of(guard.pid()) != "lc-test-guard"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(comm_of(guard.pid()), "lc-test-guard");
  for (int s = 1; s < SIGRTMAX; ++s) {
    if (s == SIGKILL || s == SIGSTOP || s == SIGCONT) continue;
    kill(guard.pid(), s);
  }
  EXPECT_EQ(poll(&pfd, 1, 200), 0) << "the guard died of a catchable signal";
  guard.goodbye();
  EXPECT_EQ(ProcessGuard().name(), "common_un-guard");  // <this process's name>-guard
}

TEST(ProcessGuard, RestartAfterItsDeathKeepsTheGroups) {
  pid_t sleeper = start_sleeper();
  {
    ProcessGuard guard;
    guard.start();
    guard.watch(sleeper);
    pid_t first = guard.pid();
    kill(first, SIGKILL);
    pollfd pfd{guard.pidfd(), POLLIN, 0};
    ASSERT_EQ(poll(&pfd, 1, 10000), 1);  // the owner sees the death
    guard.restart();
    EXPECT_NE(guard.pid(), first);
    EXPECT_TRUE(still_running(sleeper));
  }  // no goodbye: the new guard must know the group
  EXPECT_TRUE(killed_by_signal(sleeper));
}

// The spawn window: a child registers its own group before execve, so its
// group is guarded even when the owner dies right after spawn() returned
// (or before it could tell the guard itself).
TEST(ProcessGuard, ChildRegistersItsGroupBeforeExec) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  std::string pidfile = testing::TempDir() + "lc_guard_gc_" + std::to_string(getpid());
  unlink(pidfile.c_str());
  pid_t owner = fork();
  if (owner == 0) {
    ProcessGuard guard;
    guard.start();
    SpawnOptions o;
    o.program = "/bin/sh";
    // A grandchild in the child's group: PR_SET_PDEATHSIG does not reach it.
    o.argv = {"sh", "-c", "sleep 30 & echo $! > " + pidfile + "; wait"};
    o.guard = &guard;
    Process p = spawn(o);  // the parent side sends nothing (adopt only)
    for (int i = 0; i < 2000 && access(pidfile.c_str(), F_OK) != 0; ++i) usleep(5000);
    usleep(20000);
    _exit(0);  // vanishes: no goodbye, no watch()
  }
  waitpid(owner, nullptr, 0);
  pid_t grandchild = 0;
  std::ifstream(pidfile) >> grandchild;
  ASSERT_GT(grandchild, 1);
  EXPECT_TRUE(killed_by_signal(grandchild));
  reap_orphans();
  unlink(pidfile.c_str());
}

}  // namespace
}  // namespace common
