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

extern char** environ;
namespace fs = std::filesystem;

namespace launchcheck {
namespace {

const std::string kFake = std::string(TESTDATA_DIR) + "/fake/";

struct RunOutput {
  int code = -1;
  std::string out;
  Json report;
};

// Runs launchcheck and waits for it; stdout+stderr collected.
RunOutput launchcheck(const std::vector<std::string>& args, const std::string& dir) {
  std::string json = dir + "/report.json";
  std::string cmd = std::string(LAUNCHCHECK_BIN) + " run --json " + json;
  for (auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  RunOutput r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(json);
  if (in) r.report = Json::parse(in, nullptr, false);
  return r;
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

TEST_F(Supervision, MissingLauncherIsSkipped) {
  std::ofstream(dir_ + "/p.json")
      << R"({"name": "ghost", "command": ["/nonexistent/launcher"], "capabilities": ["fake"]})";
  RunOutput r = launchcheck({"--profile", dir_ + "/p.json", kFake + "orphan.json"}, dir_);
  EXPECT_EQ(r.code, 77) << r.out;
  EXPECT_NE(r.out.find("is not installed"), std::string::npos) << r.out;
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
  std::vector<std::string> args = {
      LAUNCHCHECK_BIN,        "run", "--profile", kFake + "profile.json", "--keep-artifacts", art,
      kFake + "detached.json"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t runner;
  ASSERT_EQ(posix_spawn(&runner, argv[0], &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);

  std::vector<WorkerEvent> starts;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (starts.size() < 2 && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    starts.clear();
    if (!fs::exists(art)) continue;
    for (auto& d : fs::directory_iterator(art))
      for (auto& e : events_in(d.path().string() + "/events.jsonl"))
        if (e.ev == "start") starts.push_back(e);
  }
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

}  // namespace
}  // namespace launchcheck
