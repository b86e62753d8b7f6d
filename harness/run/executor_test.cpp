// The executor's event loop against real processes: a shell posing as the
// launcher, so each rule of the loop shows alone.
#include "executor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace launchcheck {
namespace {

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/lc-executor-XXXXXX";
    dir_ = mkdtemp(templ);
    std::ofstream(dir_ + "/events.jsonl").close();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // One node whose "launcher" is `sh -c script`.
  void node(const std::string& name, const std::string& script) {
    ResolvedNode n;
    n.name = name;
    s_.nodes.push_back(n);
    AgentCommand c;
    c.exe = "/bin/sh";
    c.argv = {"sh", "-c", script};
    c.envp = {"PATH=/usr/bin:/bin", "LAUNCHCHECK_EVENTS=" + dir_ + "/events.jsonl"};
    commands_.push_back(c);
  }
  RunRecord run(const std::string& cwd = "") {
    return Executor(s_, commands_, {cwd.empty() ? dir_ : cwd, dir_ + "/events.jsonl", 0.3}).run();
  }

  std::string dir_;
  ResolvedScenario s_;
  std::vector<AgentCommand> commands_;
};

TEST_F(ExecutorTest, RecordsConsoleAndExit) {
  node("n0", "echo out; echo err >&2; exit 3");
  RunRecord r = run();
  ASSERT_EQ(r.agents.size(), 1u);
  EXPECT_TRUE(r.agents[0].exited);
  EXPECT_EQ(r.agents[0].exit_code, 3);
  EXPECT_EQ(r.agents[0].out, "out\n");
  EXPECT_EQ(r.agents[0].err, "err\n");
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.survivors.empty());
  EXPECT_GE(r.end_ns, r.start_ns);
}

TEST_F(ExecutorTest, FollowsTheEventLogAndFlagsBrokenLines) {
  node("n0", "echo '{\"ev\":\"start\",\"pid\":42,\"rank\":0}' >>$LAUNCHCHECK_EVENTS;"
             "echo 'not json' >>$LAUNCHCHECK_EVENTS; printf '{\"ev\":\"exit\",\"pid\":42}' "
             ">>$LAUNCHCHECK_EVENTS");
  RunRecord r = run();
  ASSERT_EQ(r.events.size(), 2u);  // the last line has no newline: read at the end
  EXPECT_EQ(r.events[0].ev, "start");
  EXPECT_EQ(r.events[1].ev, "exit");
  EXPECT_EQ(r.bad_event_lines, std::vector<std::string>{"not json"});
}

// A console line fires its trigger: here SIGTERM to the agent.
TEST_F(ExecutorTest, FiresFaultsOnOutput) {
  node("n0", "echo ready; exec sleep 30");
  ResolvedFault f;
  f.when.kind = Trigger::Kind::kOutputMatches;
  f.output_regex.emplace("^ready$");
  f.action.kind = Action::Kind::kSignal;
  f.action.node = "n0";
  f.action.signo = SIGTERM;
  f.pointer = "/faults/0";
  s_.faults.push_back(f);
  RunRecord r = run();
  EXPECT_EQ(r.agents[0].signo, SIGTERM);
  ASSERT_EQ(r.faults.size(), 1u);
  EXPECT_EQ(r.faults[0].what, "SIGTERM to agent n0");
  EXPECT_EQ(r.faults[0].outcome, "");
}

// A held node starts only when a fault says so: here when the first exits.
TEST_F(ExecutorTest, StartsAHeldNodeOnAFault) {
  node("n0", "exit 0");
  node("n1", "echo second");
  s_.nodes[1].held = true;
  ResolvedFault f;
  f.when.kind = Trigger::Kind::kAgentExited;
  f.when.node = "n0";
  f.when.delay_s = 0.1;
  f.action.kind = Action::Kind::kStartNode;
  f.action.node = "n1";
  s_.faults.push_back(f);
  RunRecord r = run();
  EXPECT_TRUE(r.agents[1].started);
  EXPECT_EQ(r.agents[1].out, "second\n");
  EXPECT_GE(r.agents[1].start_ns, r.agents[0].end_ns);
}

TEST_F(ExecutorTest, RecordsAndKillsSurvivors) {
  node("n0", "sleep 30 & exit 0");
  RunRecord r = run();
  ASSERT_EQ(r.survivors.size(), 1u);
  EXPECT_EQ(r.survivors[0].cmdline, "sleep 30");
  EXPECT_NE(kill(r.survivors[0].pid, 0), 0) << "the survivor is still alive";
}

TEST_F(ExecutorTest, KillsEverythingAtTheTimeout) {
  s_.timeout_s = 0.3;
  node("n0", "sleep 30");
  RunRecord r = run();
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.agents[0].signo, SIGKILL);
  EXPECT_TRUE(r.survivors.empty());  // killed, not survivors: the timeout says it
}

// The agents' working directory could not be entered: the runner's
// problem, reported as such instead of starting the launcher elsewhere.
TEST_F(ExecutorTest, ADirectoryItCannotEnterIsASetupError) {
  node("n0", "pwd");
  RunRecord r = run("/nonexistent-dir");
  EXPECT_EQ(r.setup_error, "node n0: cannot chdir to /nonexistent-dir: No such file or directory");
  EXPECT_EQ(r.agents[0].exec_error, "cannot chdir to /nonexistent-dir: No such file or directory");
  EXPECT_EQ(r.agents[0].out, "");
}

// A launcher that is not on PATH, or exists but cannot be executed (it
// fails at execve): the launcher's start failed, the run's setup did not.
TEST_F(ExecutorTest, ALauncherThatCannotStartIsAStartError) {
  struct Case {
    std::string exe, error;
    bool has_process;  // a child existed and exited 127
  };
  for (const Case& c : {Case{"", "cannot exec no-such-launcher: not found on PATH", false},
                        Case{"/dev/null", "cannot exec /dev/null: Permission denied", true}}) {
    commands_.clear();
    s_.nodes.clear();
    node("n0", "true");
    commands_[0].exe = c.exe;
    commands_[0].argv = {"no-such-launcher"};
    RunRecord r = run();
    EXPECT_EQ(r.agents[0].exec_error, c.error);
    EXPECT_EQ(r.agents[0].exited, c.has_process) << c.exe;
    EXPECT_EQ(r.agents[0].exit_code, c.has_process ? 127 : -1);
    EXPECT_EQ(r.setup_error, "");
  }
}

}  // namespace
}  // namespace launchcheck
