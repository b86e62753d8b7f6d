// The runner's supervision against real processes: a fake launcher that leaks
// workers, workers in sessions of their own, a runner killed by SIGKILL.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "e2e_util.h"
#include "json_reader.h"

namespace fs = std::filesystem;

namespace launchcheck {
namespace {

const std::string kFake = std::string(TESTDATA_DIR) + "/fake/";

RunOutput launchcheck(const std::vector<std::string>& args, const std::string& dir) {
  return launchcheck_run(args, dir);
}

class Supervision : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/lc-e2e-XXXXXX";
    dir_ = mkdtemp(templ);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(Supervision, OrphanIsReportedThenKilled) {
  RunOutput r = launchcheck({"--profile", kFake + "profile.json", "--keep-artifacts", dir_ + "/art",
                             kFake + "orphan.json"},
                            dir_);
  ASSERT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("check no survivors"), std::string::npos) << r.out;
  ASSERT_TRUE(r.report.is_object()) << r.out;
  auto& res = r.report["results"][0];
  EXPECT_EQ(res["status"], "fail");
  // The leaked worker recorded its start; it must be dead now.
  std::string art = res["artifacts"];
  auto events = events_in(art + "/events.jsonl");
  ASSERT_FALSE(events.empty()) << r.out;
  for (auto& e : events) EXPECT_FALSE(alive(e.pid)) << "pid " << e.pid << " outlived its scenario";
}

TEST_F(Supervision, TimeoutKillsEverythingAndFails) {
  RunOutput r = launchcheck({"--profile", kFake + "profile.json", "--keep-artifacts", dir_ + "/art",
                             kFake + "timeout.json"},
                            dir_);
  ASSERT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("check timeout"), std::string::npos) << r.out;
  std::string art = r.report["results"][0]["artifacts"];
  for (auto& e : events_in(art + "/events.jsonl")) EXPECT_FALSE(alive(e.pid)) << e.pid;
}

TEST_F(Supervision, MissingCapabilityIsSkippedWith77) {
  RunOutput r = launchcheck({"--profile", kFake + "profile.json", kFake + "needs_gpu.json"}, dir_);
  EXPECT_EQ(r.code, 77) << r.out;
  EXPECT_NE(r.out.find("SKIP"), std::string::npos);
  EXPECT_NE(r.out.find("lacks capability \"gpu\""), std::string::npos) << r.out;
}

// A missing launcher once skipped every scenario: a run that tested nothing
// looked green. It is bad input now, named.
TEST_F(Supervision, MissingLauncherIsExit2NamingIt) {
  std::ofstream(dir_ + "/p.json")
      << R"({"name": "ghost", "command": ["/nonexistent/launcher"], "capabilities": ["fake"]})";
  RunOutput r = launchcheck({"--profile", dir_ + "/p.json", kFake + "orphan.json"}, dir_);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("p.json: /command/0: launcher command \"/nonexistent/launcher\" not found"),
            std::string::npos)
      << r.out;
  std::ofstream(dir_ + "/q.json")
      << R"({"name": "ghost", "command": ["no-such-launcher-xyz"], "capabilities": ["fake"]})";
  r = launchcheck({"--profile", dir_ + "/q.json", kFake + "orphan.json"}, dir_);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("\"no-such-launcher-xyz\" not found (no such executable on PATH)"),
            std::string::npos)
      << r.out;
}

// Exit 77 for ctest's one-scenario tests only; several all skipped fail.
TEST_F(Supervision, AllSkippedFailsASuiteUnlessAllowed) {
  RunOutput r = launchcheck(
      {"--profile", kFake + "profile.json", "--repeat", "2", kFake + "needs_gpu.json"}, dir_);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("every one of the 2 selected scenarios was skipped"), std::string::npos)
      << r.out;
  r = launchcheck({"--profile", kFake + "profile.json", "--repeat", "2", "--allow-all-skipped",
                   kFake + "needs_gpu.json"},
                  dir_);
  EXPECT_EQ(r.code, 77) << r.out;
}

TEST_F(Supervision, BadProfileIsOneLineAndExit2) {
  std::ofstream(dir_ + "/p.json") << R"({"name": "x", "command": ["sh"], "option_styl": "dash"})";
  RunOutput r = launchcheck({"--profile", dir_ + "/p.json", kFake + "orphan.json"}, dir_);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("p.json: /option_styl: unknown key"), std::string::npos) << r.out;
}

// The runner dies by SIGKILL mid-run: its executor follows (PDEATHSIG) and
// the guard kills the workers, even though they sit in sessions of their own.
TEST_F(Supervision, NothingOutlivesASigkilledRunner) {
  std::string art = dir_ + "/art";
  pid_t runner = spawn_to_file({LAUNCHCHECK_BIN, "run", "--profile", kFake + "profile.json",
                                "--keep-artifacts", art, kFake + "detached.json"},
                               "/dev/null");
  ASSERT_GT(runner, 0);
  std::vector<WorkerEvent> starts = wait_for_starts(art, 2);
  kill(runner, SIGKILL);
  waitpid(runner, nullptr, 0);
  ASSERT_EQ(starts.size(), 2u) << "the workers never started";
  for (auto& e : starts) {
    EXPECT_NE(e.pgid, getpgrp());
    EXPECT_TRUE(gone_within(e.pid, std::chrono::seconds(10)))
        << "worker " << e.pid << " survived the runner";
    if (alive(e.pid)) kill(e.pid, SIGKILL);
  }
}

// Ctrl-C: the runner stops what runs (workers in sessions of their own
// included), prints the summary, writes the reports of what finished, exits
// 130, and leaves no partial run directory in its temporary folder.
TEST_F(Supervision, CtrlCStopsCleanlyAndStillReports) {
  std::string out = dir_ + "/out", tmp = dir_ + "/tmp";
  fs::create_directories(tmp);
  setenv("TMPDIR", tmp.c_str(), 1);
  // One scenario that finishes (a skip) before the one that hangs, -j1.
  pid_t runner =
      spawn_to_file({LAUNCHCHECK_BIN, "run", "--profile", kFake + "profile.json", "--json",
                     dir_ + "/r.json", "--junit", dir_ + "/r.xml", kFake + "needs_gpu.json",
                     kFake + "detached.json", kFake + "orphan.json"},
                    out);
  unsetenv("TMPDIR");
  ASSERT_GT(runner, 0);
  // The run's directory is under TMPDIR (no --keep-artifacts): find its events.
  std::string root;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (root.empty() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (auto& d : fs::directory_iterator(tmp)) root = d.path().string();
  }
  std::vector<WorkerEvent> starts = wait_for_starts(root, 2);
  kill(runner, SIGINT);
  int status = 0;
  waitpid(runner, &status, 0);
  ASSERT_EQ(starts.size(), 2u) << "the workers never started";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << status;
  for (auto& e : starts) {
    EXPECT_TRUE(gone_within(e.pid, std::chrono::seconds(10))) << "worker " << e.pid << " survived";
    if (alive(e.pid)) kill(e.pid, SIGKILL);
  }
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("0 passed, 0 failed, 1 skipped"), std::string::npos) << text;
  EXPECT_NE(text.find("2 not run; interrupted by signal 2"), std::string::npos) << text;
  Json report = parse_json_file(dir_ + "/r.json");
  EXPECT_EQ(report["format"], 1);
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["results"].size(), 1u);
  EXPECT_EQ(report["run"]["interrupted_by_signal"], 2);
  EXPECT_TRUE(fs::exists(dir_ + "/r.xml"));
  EXPECT_TRUE(fs::is_empty(tmp)) << "a partial run directory was left in " << tmp;
}

}  // namespace
}  // namespace launchcheck
