#include "survivors.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process_table.h"
#include "spawn_process.h"

namespace launchcheck {
namespace {

pid_t sh(const std::string& script) {
  SpawnOptions opt;
  opt.exe = "/bin/sh";
  opt.argv = {"sh", "-c", script};
  return spawn_process(opt).pid;
}

// An orphan that stays is a survivor, named by its command line; one that
// leaves within the grace is not.
TEST(Survivors, OnlyWhatOutlastsTheGrace) {
  become_subreaper();
  pid_t quick = sh("sleep 0.1");
  pid_t slow = sh("exec sleep 30");
  auto survivors = find_survivors(-1, 1.0);
  ASSERT_EQ(survivors.size(), 1u);
  EXPECT_EQ(survivors[0].pid, slow);
  EXPECT_EQ(survivors[0].cmdline, "sleep 30");
  kill_run(-1, {});
  int status = 0;
  ASSERT_EQ(waitpid(slow, &status, 0), slow);
  EXPECT_TRUE(WIFSIGNALED(status));
  waitpid(quick, nullptr, 0);
}

TEST(Survivors, AgentsAreReapedIntoTheirRecord) {
  AgentRecord rec;
  rec.pid = sh("exit 3");
  reap_agent(rec);
  EXPECT_TRUE(rec.exited);
  EXPECT_EQ(rec.exit_code, 3);
  EXPECT_GT(rec.end_ns, 0);
  reap_agent(rec);  // once only
  EXPECT_EQ(rec.exit_code, 3);
}

}  // namespace
}  // namespace launchcheck
