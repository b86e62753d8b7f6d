#include "run_record.h"

#include <gtest/gtest.h>

#include <csignal>

namespace launchcheck {
namespace {

TEST(RunRecord, DescribesEveryWayAnAgentCanEnd) {
  AgentRecord a;
  EXPECT_EQ(describe_exit(a), "never started");
  a.started = true;
  EXPECT_EQ(describe_exit(a), "still running");
  a.exited = true;
  a.exit_code = 3;
  EXPECT_EQ(describe_exit(a), "exit code 3");
  a.signo = SIGTERM;
  EXPECT_EQ(describe_exit(a), "killed by SIGTERM");
  a.exec_error = "cannot execute x: No such file or directory";
  EXPECT_EQ(describe_exit(a), "not started: cannot execute x: No such file or directory");
}

TEST(RunRecord, FindsAnAgentByNode) {
  RunRecord r;
  r.agents.resize(2);
  r.agents[0].node = "a";
  r.agents[1].node = "b";
  EXPECT_EQ(r.agent("b"), &r.agents[1]);
  EXPECT_EQ(r.agent("c"), nullptr);
}

}  // namespace
}  // namespace launchcheck
