// spawn() on real programs (/bin/sh), with both launchers: what the child
// gets (group, signals, fds, cwd, env, limits) and how failures show.
#include "common/spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "common/process_guard.h"

namespace common {
namespace {

using Launcher = SpawnOptions::Launcher;

std::string read_all(int fd) {
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

class SpawnTest : public testing::TestWithParam<Launcher> {
 protected:
  SpawnOptions sh(const std::string& script) {
    SpawnOptions o;
    o.program = "/bin/sh";
    o.argv = {"sh", "-c", script};
    o.env = std::vector<std::string>{"PATH=/bin:/usr/bin"};
    o.launcher = GetParam();
    return o;
  }
  // Runs to the end and returns what it wrote on stdout (and stderr, when
  // `err` is given).
  std::string output(SpawnOptions o, ExitStatus* status = nullptr, std::string* err = nullptr) {
    int out[2], errp[2];
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(errp, O_CLOEXEC), 0);
    o.stdout_fd = out[1];
    if (err) o.stderr_fd = errp[1];
    Process p = spawn(o);
    close(out[1]);
    close(errp[1]);
    std::string text = read_all(out[0]);
    if (err) *err = read_all(errp[0]);
    close(out[0]);
    close(errp[0]);
    ExitStatus st = p.wait();
    if (status) *status = st;
    return text;
  }
  // What the parent learns of a start that fails with ENOENT at `step`:
  // the errno, the step and the message "<what>: No such file or
  // directory"; nothing with a launcher that does not wait for the exec.
  void expect_failed_start(SpawnOptions o, SpawnStep step, const std::string& what) {
    o.exec_error_prefix.clear();
    Process p = spawn(o);
    bool knows = GetParam() != Launcher::kForkNoWait;
    EXPECT_EQ(p.exec_error(), knows ? ENOENT : 0);
    EXPECT_EQ(p.exec_error_step(), knows ? step : SpawnStep::kNone);
    EXPECT_EQ(describe_exec_error(o, p), knows ? what + ": No such file or directory" : "");
    EXPECT_EQ(p.wait(), ExitStatus::exited(127));
  }
};

TEST_P(SpawnTest, ExitCodesAndSignals) {
  auto run = [&](const std::string& s) { return spawn(sh(s)).wait(); };
  EXPECT_EQ(run("exit 0"), ExitStatus::exited(0));
  EXPECT_EQ(run("exit 3"), ExitStatus::exited(3));
  EXPECT_EQ(run("kill -SEGV $$"), ExitStatus::killed(SIGSEGV));
  EXPECT_EQ(run("kill -KILL $$").torchelastic_code(), -SIGKILL);
}

TEST_P(SpawnTest, OwnGroupCleanSignalsAndTheGivenEnvironment) {
  // A blocked or ignored signal in the parent must not reach the child.
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, &old);
  auto old_int = signal(SIGINT, SIG_IGN);
  SpawnOptions o =
      sh("echo $$ $(ps -o pgid= -p $$) $FOO; exec grep -E '^Sig(Blk|Ign)' /proc/self/status");
  o.env->push_back("FOO=bar");
  std::string out = output(o);
  sigset_t after;
  sigprocmask(SIG_SETMASK, &old, &after);
  signal(SIGINT, old_int);
  EXPECT_TRUE(sigismember(&after, SIGTERM));  // the parent's mask is back
  EXPECT_FALSE(sigismember(&after, SIGUSR1));
  auto space = out.find(' ');
  std::string pid = out.substr(0, space);
  EXPECT_EQ(out.rfind(pid + " " + pid + " bar\n", 0), 0u) << out;  // pgid == pid
  EXPECT_NE(out.find("SigBlk:\t0000000000000000"), std::string::npos) << out;
  EXPECT_NE(out.find("SigIgn:\t0000000000000000"), std::string::npos) << out;
}

TEST_P(SpawnTest, WithoutResetIgnoredSignalsStayIgnored) {
  auto old_int = signal(SIGINT, SIG_IGN);
  SpawnOptions o = sh("exec grep -E '^SigIgn' /proc/self/status");
  o.reset_signals = false;
  std::string out = output(o);
  signal(SIGINT, old_int);
  EXPECT_EQ(out, "SigIgn:\t0000000000000002\n");  // bit 1: SIGINT
}

TEST_P(SpawnTest, InheritsEnvironArgv0CwdAndLimit) {
  setenv("LC_SPAWN_TEST", "inherited", 1);
  SpawnOptions o = sh("echo $0 $LC_SPAWN_TEST $(pwd) $(ulimit -n)");
  o.env.reset();
  o.argv[0] = "custom0";
  o.cwd = "/usr";
  o.nofile_limit = rlimit{77, 77};
  EXPECT_EQ(output(o), "custom0 inherited /usr 77\n");
  unsetenv("LC_SPAWN_TEST");
}

TEST_P(SpawnTest, ClosesEveryOtherDescriptorAndKeepsTheListedOnes) {
  // Three inherited (not close-on-exec) descriptors; the middle one is kept.
  // Closing must not skip the gap below a kept descriptor.
  int a = open("/dev/null", O_RDONLY);
  int keep = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int b = open("/dev/null", O_RDONLY);
  ASSERT_LT(a, keep);
  ASSERT_LT(keep, b);
  std::string fds = std::to_string(a) + " " + std::to_string(keep) + " " + std::to_string(b);
  SpawnOptions o = sh("for f in " + fds + "; do [ -e /proc/$$/fd/$f ] && echo $f; done; true");
  o.keep_fds = {keep};
  EXPECT_EQ(output(o), std::to_string(keep) + "\n");
  for (int fd : {a, keep, b}) close(fd);
}

TEST_P(SpawnTest, StderrMayGoWhereStdoutGoes) {
  SpawnOptions o = sh("echo out; echo err >&2");
  o.stderr_fd = 1;  // the parent's stdout, not the child's new one
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  int saved = dup(1);
  dup2(out[1], 1);  // the parent's stdout is this pipe for a moment
  o.stdout_fd = out[1];
  Process p = spawn(o);
  dup2(saved, 1);
  close(saved);
  close(out[1]);
  p.wait();
  EXPECT_EQ(read_all(out[0]), "out\nerr\n");
  close(out[0]);
}

TEST_P(SpawnTest, TheGroupExistsAsSoonAsSpawnReturns) {
  // A kill(-pid) right after spawn() must reach the child, whatever the
  // launcher: otherwise a worker stopped early would never hear of it.
  for (int i = 0; i < 20; ++i) {
    SpawnOptions o;
    o.program = "/bin/sleep";
    o.argv = {"sleep", "30"};
    o.launcher = GetParam();
    Process p = spawn(o);
    ASSERT_TRUE(kill_group(p.pid(), SIGTERM)) << strerror(errno);
    EXPECT_EQ(p.wait(), ExitStatus::killed(SIGTERM));
  }
}

TEST_P(SpawnTest, NonBlockingReapAndPidfdReadiness) {
  SpawnOptions o;
  o.program = "/bin/sleep";
  o.argv = {"sleep", "30"};
  o.launcher = GetParam();
  Process p = spawn(o);
  EXPECT_EQ(p.try_reap(), std::nullopt);
  pollfd pfd{p.pidfd(), POLLIN, 0};
  EXPECT_EQ(poll(&pfd, 1, 0), 0);             // not ready while running
  EXPECT_TRUE(kill_group(p.pid(), SIGTERM));  // the group: the child leads it
  EXPECT_EQ(poll(&pfd, 1, 10000), 1);
  EXPECT_EQ(p.try_reap(), ExitStatus::killed(SIGTERM));
  EXPECT_EQ(p.try_reap(), ExitStatus::killed(SIGTERM));  // repeats once reaped
  EXPECT_FALSE(p.send_signal(SIGTERM));
}

TEST_P(SpawnTest, ExecFailureIsExit127WithAMessageAndTheErrno) {
  SpawnOptions o;
  o.program = "/nonexistent/prog";
  o.argv = {"prog"};
  o.exec_error_prefix = "me: ";
  o.launcher = GetParam();
  ExitStatus st = ExitStatus::exited(0);
  std::string err;
  output(o, &st, &err);
  EXPECT_EQ(st, ExitStatus::exited(127));
  EXPECT_EQ(err, "me: cannot exec /nonexistent/prog: No such file or directory\n");
  expect_failed_start(o, SpawnStep::kExec, "cannot exec /nonexistent/prog");
}

TEST_P(SpawnTest, ChdirFailureIsReportedAsSuch) {
  SpawnOptions o = sh("echo should not run");
  o.cwd = "/nonexistent-dir";
  o.exec_error_prefix = "me: ";
  ExitStatus st = ExitStatus::exited(0);
  std::string err;
  EXPECT_EQ(output(o, &st, &err), "");
  EXPECT_EQ(st, ExitStatus::exited(127));
  EXPECT_EQ(err, "me: cannot chdir to /nonexistent-dir: No such file or directory\n");
  // The step is known in the parent too (fork: through a shared page).
  expect_failed_start(o, SpawnStep::kChdir, "cannot chdir to /nonexistent-dir");
  // A start that worked has no failed step.
  Process ok = spawn(sh("true"));
  EXPECT_EQ(ok.exec_error_step(), SpawnStep::kNone);
  EXPECT_EQ(describe_exec_error(sh("true"), ok), "");
  ok.wait();
}

// Reaping also gives the child's resource usage, as wait4 would.
TEST_P(SpawnTest, ReapingGivesTheResourceUsage) {
  Process p = spawn(sh("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"));
  EXPECT_EQ(p.resource_usage(), nullptr);
  p.wait();
  ASSERT_NE(p.resource_usage(), nullptr);
  const rusage& ru = *p.resource_usage();
  auto us = [](const timeval& t) { return t.tv_sec * 1000000L + t.tv_usec; };
  EXPECT_GT(us(ru.ru_utime) + us(ru.ru_stime), 0);
  EXPECT_GT(ru.ru_maxrss, 0);
}

// With vfork a child that called exit() instead of _exit() would run this
// process's atexit handlers on this process's memory (Boost 1.81 does that
// unless its on_exec_error hook is reached; see README.md).
const char* g_atexit_marker = nullptr;
TEST_P(SpawnTest, FailedExecDoesNotRunTheParentsAtexitHandlers) {
  static std::string marker = testing::TempDir() + "lc_spawn_atexit_" + std::to_string(getpid());
  g_atexit_marker = marker.c_str();
  static bool registered = false;
  if (!registered) {
    registered = true;
    atexit([] {
      if (g_atexit_marker) close(open(g_atexit_marker, O_CREAT | O_WRONLY, 0600));
    });
  }
  SpawnOptions o;
  o.program = "/nonexistent/prog";
  o.launcher = GetParam();
  EXPECT_EQ(spawn(o).wait(), ExitStatus::exited(127));
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the child ran atexit handlers";
  g_atexit_marker = nullptr;
}

TEST_P(SpawnTest, ContradictoryOptionsAreRefused) {
  ProcessGuard guard;
  SpawnOptions o = sh("true");
  o.guard = &guard;
  o.new_process_group = false;
  EXPECT_THROW(spawn(o), std::invalid_argument);
  SpawnOptions none;
  EXPECT_THROW(spawn(none), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Launchers, SpawnTest,
                         testing::Values(Launcher::kVfork, Launcher::kFork, Launcher::kForkNoWait),
                         [](const auto& info) {
                           return info.param == Launcher::kVfork  ? "vfork"
                                  : info.param == Launcher::kFork ? "fork"
                                                                  : "fork_no_wait";
                         });

// A pidfd signals the process it was opened on, child or not.
TEST(SignalPidfd, SignalsTheProcessAndRefusesBadDescriptors) {
  SpawnOptions o;
  o.program = "/bin/sleep";
  o.argv = {"sleep", "30"};
  Process p = spawn(o);
  int fd = open_pidfd(p.pid());
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(signal_pidfd(fd, SIGTERM));
  EXPECT_EQ(p.wait(), ExitStatus::killed(SIGTERM));
  EXPECT_FALSE(signal_pidfd(fd, SIGTERM));  // reaped: the pidfd names nothing now
  close(fd);
  EXPECT_FALSE(signal_pidfd(-1, SIGTERM));
}

TEST(KillGroup, RefusesNonGroups) {
  // Would signal every process (including this test) if passed through.
  EXPECT_FALSE(kill_group(-1, SIGTERM));
  EXPECT_FALSE(kill_group(0, SIGTERM));
  EXPECT_FALSE(kill_group(1, SIGTERM));
}

}  // namespace
}  // namespace common
