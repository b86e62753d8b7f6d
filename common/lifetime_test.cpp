// What outlives whom: the /proc table and the subreaper's clean-up
// (process_table.h, subreaper.h), and children that die with their parent
// (fork_tied.h, spawn()'s parent-death signal).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "common/fork_tied.h"
#include "common/process_table.h"
#include "common/spawn.h"
#include "common/subreaper.h"

namespace common {
namespace {

Process sleeper() {
  SpawnOptions o;
  o.program = "/bin/sleep";
  o.argv = {"sleep", "30"};
  return spawn(o);
}

// /proc/PID/cmdline once it reads `want`, or what it reads after ~0.5 s.
// A vfork parent resumes as soon as the child's execve has released its
// memory, before the kernel has set up the new image's arguments (cmdline
// reads empty for that moment; seen in CI), and a shell's `cmd &` child is
// still the shell until its exec: a test reads after the exec, bounded.
std::string cmdline_after_exec(pid_t pid, const std::string& want) {
  std::string s;
  for (int i = 0; i < 500; ++i) {
    s = process_cmdline(pid);
    if (s == want) break;
    usleep(1000);
  }
  return s;
}

TEST(ProcessTable, DescendantsFollowTheParentChain) {
  std::vector<ProcessInfo> table = {
      {10, 1, 10, 'S'}, {11, 10, 10, 'S'}, {12, 11, 12, 'S'}, {13, 1, 13, 'S'}};
  auto d = descendants_of(10, table);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].pid, 11);
  EXPECT_EQ(d[1].pid, 12);
  // A cycle (pids recycled while the table was read) ends the walk.
  EXPECT_TRUE(descendants_of(10, {{20, 21, 20, 'S'}, {21, 20, 21, 'S'}}).empty());
}

TEST(ProcessTable, SeesThisProcessAndItsChildren) {
  Process a = sleeper();
  bool found = false;
  for (const auto& p : read_process_table())
    if (p.pid == a.pid()) {
      found = true;
      EXPECT_EQ(p.ppid, getpid());
      EXPECT_EQ(p.pgid, a.pid());  // spawn() gives it a group of its own
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(cmdline_after_exec(a.pid(), "sleep 30"), "sleep 30");
  auto one = read_process(a.pid());
  ASSERT_TRUE(one);
  EXPECT_EQ(one->ppid, getpid());
  a.send_signal(SIGKILL);
  a.wait();
  EXPECT_EQ(process_cmdline(a.pid()), "");
  EXPECT_FALSE(read_process(a.pid()));
}

// Orphans come to the subreaper; kill_descendants spares only `spare`, and
// reap_children leaves nothing to reap.
TEST(Subreaper, KillsAndReapsEveryDescendantButTheSpared) {
  ASSERT_TRUE(become_subreaper());
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  SpawnOptions o;
  o.program = "/bin/sh";
  o.argv = {"sh", "-c", "sleep 30 & echo $!"};  // leaves an orphan, names it
  o.stdout_fd = out[1];
  Process parent = spawn(o);
  close(out[1]);
  char buf[32] = {};
  ASSERT_GT(read(out[0], buf, sizeof buf - 1), 0);
  close(out[0]);
  pid_t orphan = atoi(buf);
  parent.wait();
  Process spared = sleeper();
  bool orphan_live = false, spared_listed = false;
  for (const auto& p : live_descendants(spared.pid())) {
    if (p.pid == orphan) orphan_live = p.ppid == getpid();
    spared_listed = spared_listed || p.pid == spared.pid();
  }
  EXPECT_TRUE(orphan_live) << "the orphan did not come to us";
  EXPECT_FALSE(spared_listed);
  EXPECT_EQ(cmdline_after_exec(orphan, "sleep 30"), "sleep 30");
  kill_descendants(spared.pid());
  int status = 0;
  ASSERT_EQ(waitpid(orphan, &status, 0), orphan);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_EQ(spared.try_reap(), std::nullopt) << "the spared process was killed";
  spared.send_signal(SIGKILL);
  reap_children(5);
  pid_t left = waitpid(-1, nullptr, WNOHANG);
  int err = errno;
  EXPECT_EQ(left, -1);  // nothing left to reap
  EXPECT_EQ(err, ECHILD);
}

// Runs `body` in a forked child (a subreaper changes the whole process, and
// kReap reaps every dead child) and returns its exit code.
template <typename F>
int in_child(F body) {
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(ProcessTable, ChildrenAreThoseWhoseParentWeAre) {
  Process a = sleeper(), b = sleeper();
  auto kids = children_of(getpid());
  std::set<pid_t> got(kids.begin(), kids.end());
  std::set<pid_t> want;
  for (const auto& p : read_process_table())
    if (p.ppid == getpid()) want.insert(p.pid);
  EXPECT_EQ(got, want);
  EXPECT_TRUE(got.count(a.pid()) && got.count(b.pid()));
  EXPECT_TRUE(children_of(a.pid()).empty());
  a.send_signal(SIGKILL);
  b.send_signal(SIGKILL);
  a.wait();
  b.wait();
  EXPECT_TRUE(children_of(a.pid()).empty());  // gone: no children, no error
}

// refrun's case: a worker's daemon (setsid, its parent gone) comes back to
// the subreaper, is killed and, with kReap, reaped: no zombie is left.
TEST(Subreaper, ASetsidDescendantComesBackAndIsKilledAndReaped) {
  char path[] = "/tmp/lc_orphan_XXXXXX";
  close(mkstemp(path));
  int code = in_child([&] {
    if (!become_subreaper()) return 10;
    std::string cmd = std::string("setsid sleep 60 & echo $! > ") + path;
    if (system(cmd.c_str()) != 0) return 11;
    pid_t sleeper_pid = 0;
    std::ifstream(path) >> sleeper_pid;
    if (sleeper_pid <= 0 || kill(sleeper_pid, 0) != 0) return 12;
    for (int i = 0; i < 200 && children_of(getpid()).empty(); ++i)  // setsid may fork again
      usleep(10000);
    if (kill_descendants(-1, ReapKilled::kReap) < 1) return 13;
    if (kill(sleeper_pid, 0) == 0) return 14;  // gone and reaped, not a zombie
    return children_of(getpid()).empty() ? 0 : 15;
  });
  EXPECT_EQ(code, 0);
  unlink(path);
}

// The spared process's whole subtree is left alone, and kLeave leaves the
// killed children for their owner to reap.
TEST(Subreaper, SparesASubtreeAndLeavesTheDeadToTheirOwner) {
  int code = in_child([] {
    pid_t keep = fork();
    if (keep == 0) {
      if (fork() == 0) pause();  // the spared one's own child
      pause();
      _exit(0);
    }
    pid_t victim = fork();
    if (victim == 0) {
      pause();
      _exit(0);
    }
    for (int i = 0; i < 500 && children_of(keep).empty(); ++i) usleep(10000);
    if (kill_descendants(keep) != 1) return 20;
    if (kill(keep, 0) != 0) return 21;
    if (children_of(keep).size() != 1) return 22;
    int status = 0;
    if (waitpid(victim, &status, 0) != victim) return 23;  // still ours to reap
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) return 24;
    for (pid_t c : children_of(keep)) kill(c, SIGKILL);
    kill(keep, SIGKILL);
    waitpid(keep, nullptr, 0);
    return 0;
  });
  EXPECT_EQ(code, 0);
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

TEST(ParentDeath, ASpawnedProgramDiesWithItsParent) {
  EXPECT_TRUE(dies_with_its_parent([] {
    Process p = sleeper();
    pid_t pid = p.pid();
    return pid;  // ~Process closes the pidfd and neither kills nor reaps
  }));
}

TEST(ParentDeath, ATiedForkDiesWithItsParent) {
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
}  // namespace common
