#include "survivors.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/spawn.h"
#include "common/subreaper.h"

namespace launchcheck {
namespace {

common::Process sh(const std::string& script) {
  common::SpawnOptions opt;
  opt.program = "/bin/sh";
  opt.argv = {"sh", "-c", script};
  return common::spawn(opt);
}

// An orphan that stays is a survivor, named by its command line; one that
// leaves within the grace is not.
TEST(Survivors, OnlyWhatOutlastsTheGrace) {
  common::become_subreaper();
  pid_t quick = sh("sleep 0.1").pid();
  pid_t slow = sh("exec sleep 30").pid();
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
  common::Process agent = sh("exit 3");
  rec.pid = agent.pid();
  reap_agent(rec, agent);
  EXPECT_TRUE(rec.exited);
  EXPECT_EQ(rec.exit_code, 3);
  EXPECT_GT(rec.end_ns, 0);
  reap_agent(rec, agent);  // once only
  EXPECT_EQ(rec.exit_code, 3);

  AgentRecord killed;
  common::Process victim = sh("kill -KILL $$");
  killed.pid = victim.pid();
  reap_agent(killed, victim);
  EXPECT_EQ(killed.signo, SIGKILL);
  EXPECT_EQ(killed.exit_code, -1);
}

}  // namespace
}  // namespace launchcheck
