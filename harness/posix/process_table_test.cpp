#include "process_table.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "spawn_process.h"

namespace launchcheck {
namespace {

TEST(ProcessTable, FindsDescendantsAndTheirCommandLines) {
  SpawnOptions opt;
  opt.exe = "/bin/sleep";
  opt.argv = {"sleep", "30"};
  pid_t a = spawn_process(opt).pid, b = spawn_process(opt).pid;
  bool found_a = false, found_b = false;
  for (auto& p : live_descendants(b)) {
    found_a = found_a || p.pid == a;
    found_b = found_b || p.pid == b;
  }
  EXPECT_TRUE(found_a);
  EXPECT_FALSE(found_b) << "the spared process is listed";
  EXPECT_EQ(process_cmdline(a), "sleep 30");
  kill_descendants(b);
  int status = 0;
  ASSERT_EQ(waitpid(a, &status, 0), a);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  kill(b, SIGKILL);
  reap_children(5);
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);  // nothing left to reap
}

TEST(ProcessTable, DescendantsFollowTheParentChain) {
  std::vector<ProcInfo> table = {{10, 1, 10, 'S'}, {11, 10, 10, 'S'}, {12, 11, 12, 'S'},
                                 {13, 1, 13, 'S'}};
  auto d = descendants_of(10, table);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].pid, 11);
  EXPECT_EQ(d[1].pid, 12);
}

}  // namespace
}  // namespace launchcheck
