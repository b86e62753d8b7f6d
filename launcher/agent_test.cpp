// The agent against a scripted rendezvous (the seam the c10d backend plugs
// into) and real /bin/sh workers: restart accounting, membership changes,
// the exit barrier and shutdown-exactly-once on every path.
#include "agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "log_layout.h"

namespace refrun {

using ::testing::_;

namespace {

class FakeRendezvous : public Rendezvous {
 public:
  explicit FakeRendezvous(common::EventLoop& loop) : loop_(loop) {}
  // Rounds answer from the loop, like a real backend. `agreed_restart` lets a
  // test pretend the job agreed on another restart count than ours.
  void next_round(int restart_count, Done done, Fail fail) override {
    asked.push_back(restart_count);
    if (fail_rounds) {
      loop_.add_timer(common::EventLoop::Clock::duration::zero(), [fail] { fail("no quorum"); });
      return;
    }
    RendezvousResult r;
    r.master_addr = "127.0.0.1";
    r.master_port = 1;
    r.restart_count = agreed_restart >= 0 ? agreed_restart : restart_count;
    loop_.add_timer(common::EventLoop::Clock::duration::zero(), [r, done] { done(r); });
  }
  void on_membership_change(std::function<void()> cb) override { membership_cb = std::move(cb); }
  void on_lost(std::function<void(const std::string&)> cb) override { lost_cb = std::move(cb); }
  void exit_barrier(std::function<void()> done, Fail fail) override {
    ++barriers;
    if (fail_barrier)
      fail("peer vanished");
    else
      done();
  }
  void shutdown() override { ++shutdowns; }

  std::vector<int> asked;
  std::function<void()> membership_cb;
  std::function<void(const std::string&)> lost_cb;
  int agreed_restart = -1;
  bool fail_rounds = false;
  bool fail_barrier = false;
  int barriers = 0;
  int shutdowns = 0;

 private:
  common::EventLoop& loop_;
};

struct AgentFixture : ::testing::Test {
  std::string dir;
  common::EventLoop loop;
  FakeRendezvous rdzv{loop};
  int err_pipe[2];

  void SetUp() override {
    char buf[] = "/tmp/refrun_agent_XXXXXX";
    dir = mkdtemp(buf);
    ASSERT_EQ(pipe(err_pipe), 0);
  }
  void TearDown() override {
    close(err_pipe[0]);
    std::filesystem::remove_all(dir);
  }

  // Workers run `sh -c script`; $D is the scratch dir.
  AgentConfig config(const std::string& script, int nproc, int max_restarts = 0) {
    AgentConfig c;
    c.launch.no_python = true;
    c.launch.script = "/bin/sh";
    c.launch.script_args = {"-c", script};
    c.launch.max_restarts = max_restarts;
    c.launch.stop_timeout = 5;
    c.spec.local_world_size = nproc;
    c.spec.max_restarts = max_restarts;
    c.program = "/bin/sh";
    c.base_env = {{"D", dir}, {"PATH", "/usr/bin:/bin"}};
    c.run_log_dir = dir;
    c.console_err = err_pipe[1];
    return c;
  }

  int run(AgentConfig c) {
    Agent agent(loop, rdzv, nullptr, std::move(c));
    int code = agent.run();
    close(err_pipe[1]);
    return code;
  }

  std::string err_text() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(err_pipe[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

  std::string file(const std::string& name) {
    std::ifstream in(dir + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

}  // namespace

TEST_F(AgentFixture, SuccessPassesTheExitBarrierAndShutsDownOnce) {
  EXPECT_EQ(run(config("touch $D/ok_$RANK", 2)), 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/ok_0"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/ok_1"));
  EXPECT_EQ(rdzv.barriers, 1);
  EXPECT_EQ(rdzv.shutdowns, 1);
}

TEST_F(AgentFixture, FailedExitBarrierFailsTheJob) {
  rdzv.fail_barrier = true;
  EXPECT_EQ(run(config("true", 1)), 1);
  EXPECT_NE(err_text().find("exit barrier failed: peer vanished"), std::string::npos);
  EXPECT_EQ(rdzv.shutdowns, 1);
}

TEST_F(AgentFixture, FailureWithoutRestartsPrintsTheSummaryAndShutsDownOnce) {
  EXPECT_EQ(run(config("[ $RANK = 1 ] && exit 7; sleep 30", 2)), 1);
  std::string err = err_text();
  EXPECT_NE(err.find("/bin/sh FAILED"), std::string::npos) << err;
  EXPECT_NE(err.find("exitcode  : 7"), std::string::npos);
  EXPECT_EQ(rdzv.asked, std::vector<int>{0});
  EXPECT_EQ(rdzv.shutdowns, 1);
}

TEST_F(AgentFixture, FailureRestartsSpendRestartsAndCountUp) {
  // Fails on attempts 0 and 1, succeeds on 2.
  auto c = config(
      "echo $TORCHELASTIC_RESTART_COUNT >> $D/attempts; "
      "[ $TORCHELASTIC_RESTART_COUNT -lt 2 ] && exit 1; exit 0",
      1, 3);
  EXPECT_EQ(run(std::move(c)), 0);
  EXPECT_EQ(file("attempts"), "0\n1\n2\n");
  EXPECT_EQ(rdzv.asked, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(rdzv.shutdowns, 1);
}

TEST_F(AgentFixture, RestartCountComesFromTheRound) {
  rdzv.agreed_restart = 5;
  EXPECT_EQ(run(config("echo $TORCHELASTIC_RESTART_COUNT > $D/rc", 1, 9)), 0);
  EXPECT_EQ(file("rc"), "5\n");
  // Logs go to the agreed attempt's directory too.
  EXPECT_TRUE(std::filesystem::exists(dir + "/attempt_5/0"));
}

TEST_F(AgentFixture, MembershipChangeRestartsWithoutSpendingRestarts) {
  // The first round's workers wait; a membership change stops them; the
  // second round's workers succeed. --max-restarts=0 would forbid a failure
  // restart, so reaching round two proves it was not counted.
  auto c = config(
      "echo started >> $D/rounds; [ -e $D/go ] && exit 0; "
      "trap 'exit 0' TERM; sleep 30 & wait",
      1, 0);
  bool triggered = false;
  std::function<void()> poll = [&] {
    if (!triggered && file("rounds") == "started\n") {
      triggered = true;
      std::ofstream(dir + "/go").put('x');
      rdzv.membership_cb();
      return;
    }
    loop.add_timer(std::chrono::milliseconds(5), poll);
  };
  loop.add_timer(std::chrono::milliseconds(5), poll);
  EXPECT_EQ(run(std::move(c)), 0);
  EXPECT_TRUE(triggered);
  EXPECT_EQ(file("rounds"), "started\nstarted\n");
  EXPECT_EQ(rdzv.asked, (std::vector<int>{0, 0}));
  EXPECT_EQ(rdzv.shutdowns, 1);
}

TEST_F(AgentFixture, LostRendezvousStopsWorkersAndFailsWithoutClaimingARestart) {
  // The store goes away while the worker runs: the worker is stopped, no
  // new round is asked for, and the agent says why instead of "restarting".
  auto c = config("echo started >> $D/rounds; trap 'exit 0' TERM; sleep 30 & wait", 1, 3);
  bool triggered = false;
  std::function<void()> poll = [&] {
    if (!triggered && file("rounds") == "started\n") {
      triggered = true;
      rdzv.lost_cb("lost the connection to the rendezvous store at h:1 (reset)");
      return;
    }
    loop.add_timer(std::chrono::milliseconds(5), poll);
  };
  loop.add_timer(std::chrono::milliseconds(5), poll);
  EXPECT_EQ(run(std::move(c)), 1);
  EXPECT_TRUE(triggered);
  EXPECT_EQ(file("rounds"), "started\n");
  EXPECT_EQ(rdzv.asked, (std::vector<int>{0}));
  std::string err = err_text();
  EXPECT_NE(err.find("rendezvous failed: lost the connection to the rendezvous store at h:1"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("restarting"), std::string::npos) << err;
  EXPECT_EQ(rdzv.shutdowns, 1);
}

TEST_F(AgentFixture, RendezvousFailureFailsTheJob) {
  rdzv.fail_rounds = true;
  EXPECT_EQ(run(config("true", 1)), 1);
  EXPECT_NE(err_text().find("rendezvous failed: no quorum"), std::string::npos);
  EXPECT_EQ(rdzv.shutdowns, 1);
}

TEST_F(AgentFixture, TeedOutputIsDrainedAfterTheWorkerExits) {
  int out_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  auto c = config("i=0; while [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done; printf tail", 1);
  c.launch.tee = parse_std_spec("1");
  c.console_out = out_pipe[1];
  EXPECT_EQ(run(std::move(c)), 0);
  close(out_pipe[1]);
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(out_pipe[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(out_pipe[0]);
  EXPECT_EQ(out.rfind("[default0]:line 0\n", 0), 0u);
  EXPECT_NE(out.find("[default0]:line 199\n[default0]:tail\n"), std::string::npos) << out;
}

}  // namespace refrun
