// SIGKILL of launchcheck mid-run, `run` and `bench`: every process it
// started (executor, guard, launcher, the launcher's own helpers, workers,
// even in sessions of their own) must be gone soon after. Nothing can be
// cleaned up by launchcheck itself here: only the parent-death signal and
// the guard are left to do it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/process_table.h"
#include "e2e_util.h"

extern char** environ;
namespace fs = std::filesystem;

namespace launchcheck {
namespace {

const std::string kFake = std::string(TESTDATA_DIR) + "/fake/";

// Worker start events in every events.jsonl below `dir`.
std::vector<WorkerEvent> starts_below(const std::string& dir) {
  std::vector<WorkerEvent> out;
  std::error_code ec;
  for (auto& f : fs::recursive_directory_iterator(dir, ec)) {
    if (f.path().filename() != "events.jsonl") continue;
    for (auto& e : events_in(f.path().string()))
      if (e.ev == "start") out.push_back(e);
  }
  return out;
}

class Sigkill : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/lc-sigkill-XXXXXX";
    dir_ = mkdtemp(templ);
  }
  void TearDown() override {
    for (pid_t p : left_) kill(p, SIGKILL);
    fs::remove_all(dir_);
  }

  // Starts launchcheck ARGS with TMPDIR=dir_, waits for `workers` worker
  // starts, notes every process below it, SIGKILLs it, and expects all of
  // them gone within 10 s.
  void kill_mid_run(std::vector<std::string> args, size_t workers) {
    args.insert(args.begin(), LAUNCHCHECK_BIN);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = {"TMPDIR=" + dir_};
    for (char** e = environ; *e; ++e)
      if (std::string(*e).rfind("TMPDIR=", 0) != 0) env.push_back(*e);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t lc;
    ASSERT_EQ(posix_spawn(&lc, argv[0], &fa, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&fa);

    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (starts_below(dir_).size() < workers && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::vector<common::ProcessInfo> below = common::descendants_of(lc, common::read_process_table());
    kill(lc, SIGKILL);
    waitpid(lc, nullptr, 0);
    auto starts = starts_below(dir_);
    ASSERT_EQ(starts.size(), workers) << "the workers never started";
    for (auto& s : starts) {
      bool seen = false;
      for (auto& p : below) seen = seen || p.pid == s.pid;
      EXPECT_TRUE(seen) << "worker " << s.pid << " was not below launchcheck";
    }
    for (auto& p : below) {
      EXPECT_TRUE(gone_within(p.pid, std::chrono::seconds(10)))
          << "pid " << p.pid << " (" << common::process_cmdline(p.pid) << ") outlived launchcheck";
      if (alive(p.pid)) left_.push_back(p.pid);
    }
  }

  std::string dir_;
  std::vector<pid_t> left_;
};

// A launcher that leaves its workers in sessions of their own: only the
// guard, told their groups by their start events, can reach them.
TEST_F(Sigkill, NothingOfABenchRunOutlivesIt) {
  kill_mid_run({"bench", "--quick", "--runs", "1", "--warmup", "0", "--case", "trivial-2",
                "--profile", kFake + "bench_detach.json"},
               2);
}

// refrun, its guard and its workers (the case reported in issue 10).
TEST_F(Sigkill, NothingOfABenchRunOfRefrunOutlivesIt) {
  if (!fs::exists(std::string(BUILD_DIR) + "/bin/refrun")) GTEST_SKIP() << "refrun not built";
  kill_mid_run({"bench", "--quick", "--runs", "1", "--warmup", "0", "--case", "trivial-2",
                "--profile", kFake + "bench_refrun_hang.json"},
               2);
}

TEST_F(Sigkill, NothingOfAScenarioRunOfRefrunOutlivesIt) {
  if (!fs::exists(std::string(BUILD_DIR) + "/bin/refrun")) GTEST_SKIP() << "refrun not built";
  kill_mid_run({"run", "--profile", "refrun", std::string(TESTDATA_DIR) + "/hang_refrun.json"}, 2);
}

}  // namespace
}  // namespace launchcheck
