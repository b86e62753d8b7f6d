#include "worker_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <string>

namespace {
int run_sh(const std::string& script, WorkerStdio stdio = {}) {
  SpawnedProcess p = spawn_process("/bin/sh", {"sh", "-c", script}, {"PATH=/bin:/usr/bin"}, stdio);
  int code = 0;
  EXPECT_TRUE(reap_process(p, code, true));
  close(p.pidfd);
  return code;
}
}  // namespace

TEST(WorkerProcess, ExitCodesAndSignalsAsTorchelasticReportsThem) {
  EXPECT_EQ(run_sh("exit 0"), 0);
  EXPECT_EQ(run_sh("exit 3"), 3);
  EXPECT_EQ(run_sh("kill -SEGV $$"), -SIGSEGV);
  EXPECT_EQ(run_sh("kill -KILL $$"), -SIGKILL);
}

TEST(WorkerProcess, OwnProcessGroupCleanSignalsAndEnvironment) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  // A blocked or ignored signal in the parent must not reach the worker.
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, &old);
  auto old_int = signal(SIGINT, SIG_IGN);
  WorkerStdio stdio;
  stdio.out = fds[1];
  SpawnedProcess p = spawn_process(
      "/bin/sh",
      {"sh", "-c",
       "echo $$ $(ps -o pgid= -p $$) $FOO; exec grep -E '^Sig(Blk|Ign)' /proc/self/status"},
      {"PATH=/bin:/usr/bin", "FOO=bar"}, stdio);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  signal(SIGINT, old_int);
  close(fds[1]);
  int code = 0;
  ASSERT_TRUE(reap_process(p, code, true));
  close(p.pidfd);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  std::string pid = std::to_string(p.pid);
  EXPECT_EQ(out.rfind(pid + " " + pid + " bar\n", 0), 0u) << out;  // pgid == pid
  EXPECT_NE(out.find("SigBlk:\t0000000000000000"), std::string::npos) << out;
  EXPECT_NE(out.find("SigIgn:\t0000000000000000"), std::string::npos) << out;
}

TEST(WorkerProcess, NonBlockingReapAndPidfdReadiness) {
  SpawnedProcess p = spawn_process("/bin/sleep", {"sleep", "30"}, {}, {});
  int code = 0;
  EXPECT_FALSE(reap_process(p, code, false));
  pollfd pfd{p.pidfd, POLLIN, 0};
  EXPECT_EQ(poll(&pfd, 1, 0), 0);  // not ready while running
  kill(-p.pid, SIGTERM);           // the group: the worker leads it
  EXPECT_EQ(poll(&pfd, 1, 10000), 1);
  EXPECT_TRUE(reap_process(p, code, false));
  EXPECT_EQ(code, -SIGTERM);
  close(p.pidfd);
}

TEST(WorkerProcess, ExecFailureIsExit127WithAMessage) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  WorkerStdio stdio;
  stdio.err = fds[1];
  SpawnedProcess p = spawn_process("/nonexistent/prog", {"prog"}, {}, stdio);
  close(fds[1]);
  int code = 0;
  ASSERT_TRUE(reap_process(p, code, true));
  close(p.pidfd);
  char buf[256] = {};
  ssize_t n = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  EXPECT_EQ(code, 127);
  ASSERT_GT(n, 0);
  EXPECT_NE(std::string(buf).find("refrun: cannot exec /nonexistent/prog"), std::string::npos);
}

TEST(WorkerProcess, KillGroupRefusesNonGroups) {
  // Would signal every process (including this test) if passed through.
  kill_group(-1, SIGTERM);
  kill_group(0, SIGTERM);
  kill_group(1, SIGTERM);
  SUCCEED();
}
