// The runner's everyday features end to end: --rerun-failed from the last
// report, --fail-fast, --repeat's flaky table, selection, the failed list
// with reproduce lines, --durations, and `matrix` failing a profile that
// misses its expectations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "e2e_util.h"

namespace fs = std::filesystem;

namespace launchcheck {
namespace {

const std::string kFake = std::string(TESTDATA_DIR) + "/fake/";
const std::string kWrong = std::string(TESTDATA_DIR) + "/wrong_expectation.json";
const std::string kScenarios = std::string(TESTDATA_DIR) + "/../../scenarios/";

class RunnerFeatures : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/lc-features-XXXXXX";
    dir_ = mkdtemp(templ);
    env_ = "XDG_CACHE_HOME=" + dir_ + " CI=1 ";
  }
  void TearDown() override { fs::remove_all(dir_); }
  RunOutput run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--keep-artifacts", dir_ + "/art"});
    return launchcheck_run(args, dir_, env_);
  }
  std::vector<std::string> ids(const RunOutput& r) {
    std::vector<std::string> out;
    for (auto& res : r.report["results"]) out.push_back(res["id"]);
    return out;
  }
  std::string dir_, env_;
};

TEST_F(RunnerFeatures, RerunFailedTakesOnlyTheLastFailures) {
  std::string pass = kScenarios + "options/bad_nproc_value.json";
  RunOutput first = run({"--durations", "1", pass, kWrong});
  ASSERT_EQ(first.code, 1) << first.out;
  // The failure again at the end, with the line that reproduces it.
  auto failed_at = first.out.find("Failed:\n  FAIL  testdata/wrong_expectation");
  ASSERT_NE(failed_at, std::string::npos) << first.out;
  EXPECT_NE(first.out.find(" run --profile ", failed_at), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("Slowest 1:\n"), std::string::npos) << first.out;
  RunOutput again = run({"--rerun-failed", pass, kWrong});
  EXPECT_EQ(again.code, 1) << again.out;
  EXPECT_EQ(ids(again), std::vector<std::string>{"testdata/wrong_expectation"}) << again.out;
  RunOutput fixed = run({"--rerun-failed", pass});
  EXPECT_EQ(fixed.code, 0) << fixed.out;
  EXPECT_NE(fixed.out.find("Nothing failed in the last run"), std::string::npos) << fixed.out;
}

TEST_F(RunnerFeatures, RerunFailedWithoutALastReportIsBadInput) {
  RunOutput r = run({"--rerun-failed", kWrong});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--rerun-failed: no last report at " + dir_), std::string::npos) << r.out;
}

TEST_F(RunnerFeatures, FailFastStartsNothingAfterAFailure) {
  RunOutput r = run({"--fail-fast", kWrong, kScenarios + "options/bad_nproc_value.json"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(ids(r), std::vector<std::string>{"testdata/wrong_expectation"});
  EXPECT_NE(r.out.find("; 1 not run"), std::string::npos) << r.out;
  EXPECT_EQ(r.report["run"]["not_run"], 1);
}

TEST_F(RunnerFeatures, RepeatPrintsTheFlakyTable) {
  RunOutput r = run({"--repeat", "2", kScenarios + "options/bad_nproc_value.json"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("No flaky scenario over 2 repeats"), std::string::npos) << r.out;
}

// A profile whose launcher (refrun behind fails_first_run.sh) fails its first
// run only, with `retries` as given ("" for none).
std::string fails_first_profile(const std::string& dir, const std::string& retries) {
  std::string file = dir + "/fails-first.json";
  std::ofstream(file) << R"({"name": "fails-first", "command": ["/bin/sh", ")" << kFake
                      << R"(fails_first_run.sh", ")" << BUILD_DIR << R"(/bin/refrun"],)"
                      << R"("env": {"FAILS_FIRST_MARK": ")" << dir << R"(/mark"})"
                      << (retries.empty() ? "" : ", \"retries\": " + retries) << "}";
  return file;
}

TEST_F(RunnerFeatures, ARetryThatPassesIsListedAsAPassOnRetry) {
  std::string profile = fails_first_profile(
      dir_, R"({"count": 1, "reason": "fails its first run on purpose"})");
  RunOutput r = run({"--profile", profile, kScenarios + "basic/default_nproc.json"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Retries: a failing scenario runs up to 1 more time(s) (profile "
                       "fails-first: fails its first run on purpose)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("passed on try 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("try 1 of 2 failed:\n    check exit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Passed only on retry"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 passed (1 on retry), 0 failed"), std::string::npos) << r.out;
  ASSERT_EQ(r.report["results"].size(), 1u) << r.out;
  auto& res = r.report["results"][0];
  EXPECT_EQ(res["status"], "pass");
  ASSERT_EQ(res["earlier_tries"].size(), 1u);
  EXPECT_EQ(res["earlier_tries"][0]["status"], "fail");
  std::string art = res["earlier_tries"][0]["artifacts"];
  EXPECT_TRUE(fs::exists(art + "/events.jsonl")) << "the failed try's artifacts are kept: " << art;
}

TEST_F(RunnerFeatures, WithoutRetriesOrWithRetriesZeroAFailureStands) {
  std::string profile = fails_first_profile(
      dir_, R"({"count": 1, "reason": "fails its first run on purpose"})");
  RunOutput r = run({"--retries", "0", "--profile", profile, kScenarios + "basic/default_nproc.json"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.report["results"][0]["earlier_tries"].size(), 0u);
  fs::remove(dir_ + "/mark");
  RunOutput plain = run({"--profile", fails_first_profile(dir_, ""),
                         kScenarios + "basic/default_nproc.json"});
  EXPECT_EQ(plain.code, 1) << plain.out;
}

TEST_F(RunnerFeatures, AFailureOnEveryTryFailsWithEachTryShown) {
  RunOutput r = run({"--retries", "2", kWrong});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("failed on every try, 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("try 2 of 3 failed:"), std::string::npos) << r.out;
  ASSERT_EQ(r.report["results"].size(), 1u);
  EXPECT_EQ(r.report["results"][0]["earlier_tries"].size(), 2u);
  EXPECT_EQ(r.report["counts"]["fail"], 1) << r.report.dump();
}

TEST_F(RunnerFeatures, SeveralFiltersExcludeAndTags) {
  RunOutput r = run({"--filter", "basic/four_*", "--filter", "options/bad_nproc_value", "--exclude",
                     "basic/*", "--profile", kFake + "profile.json", kScenarios + "basic",
                     kScenarios + "options"});
  EXPECT_EQ(ids(r), std::vector<std::string>{"options/bad_nproc_value"}) << r.out;
  r = run({"--tag", "no-such-tag", kScenarios + "basic"});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("no scenario matches"), std::string::npos) << r.out;
}

// With --seed the order is the seed's, printed, and the same every time.
TEST_F(RunnerFeatures, ShuffleWithASeedIsReproducible) {
  std::vector<std::string> args = {
      "--profile", kFake + "profile.json", "--allow-all-skipped", "--seed",
      "3",         kScenarios + "options"};
  RunOutput a = run(args), b = run(args);
  EXPECT_NE(a.out.find("Shuffled with --seed 3"), std::string::npos) << a.out;
  EXPECT_EQ(ids(a), ids(b));
  EXPECT_EQ(a.report["run"]["seed"], "3");
}

TEST_F(RunnerFeatures, MatrixFailsWhenAProfileMissesItsExpectations) {
  std::string cmd = std::string(LAUNCHCHECK_BIN) + " matrix --profile refrun -o " + dir_ +
                    "/m.md " + kWrong + " >/dev/null 2>&1";
  int status = system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  cmd = std::string(LAUNCHCHECK_BIN) + " matrix --profile refrun -o " + dir_ + "/m.md " +
        kScenarios + "options/bad_nproc_value.json >/dev/null 2>&1";
  EXPECT_EQ(WEXITSTATUS(system(cmd.c_str())), 0);
}

TEST_F(RunnerFeatures, EverySubcommandsHelpListsTheExitCodes) {
  for (const char* sub : {"run", "matrix", "list", "validate", "bench"}) {
    std::string cmd = std::string(LAUNCHCHECK_BIN) + " " + sub + " --help";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    EXPECT_NE(out.find("Exit status:\n  0 "), std::string::npos) << sub << ":\n" << out;
    EXPECT_NE(out.find("\n  2    bad input"), std::string::npos) << sub << ":\n" << out;
  }
}

}  // namespace
}  // namespace launchcheck
