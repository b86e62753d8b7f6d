// Reports from a real run against refrun: --trace, --json, --junit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "json_reader.h"

namespace fs = std::filesystem;

namespace launchcheck {
namespace {

const std::string kScenarios = std::string(TESTDATA_DIR) + "/../../scenarios";

class Reports : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/lc-reports-XXXXXX";
    dir_ = mkdtemp(templ);
  }
  void TearDown() override { fs::remove_all(dir_); }
  int run(const std::string& args) {
    std::string cmd = std::string(LAUNCHCHECK_BIN) + " run " + args + " >" + dir_ + "/out 2>&1";
    int status = system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string dir_;
};

TEST_F(Reports, TraceShowsAgentWorkersAndTheFault) {
  if (!fs::exists(std::string(BUILD_DIR) + "/bin/refrun")) GTEST_SKIP() << "refrun not built";
  ASSERT_EQ(run("--trace " + dir_ + "/trace " + kScenarios + "/signals/sigkill_one_rank.json"), 0);
  Json t = parse_json_file(dir_ + "/trace/signals.sigkill_one_rank.trace.json");
  // Only rank 2 is sure to have started before the agent stopped the group.
  int agents = 0, rank2 = 0, faults = 0;
  for (auto& e : t["traceEvents"]) {
    std::string name = e.value("name", "");
    if (e["ph"] == "X" && name == "agent n0") ++agents;
    if (e["ph"] == "X" && name == "rank 2 attempt 0") ++rank2;
    if (e["ph"] == "i" && name == "fault: SIGKILL to rank 2's worker") ++faults;
  }
  EXPECT_EQ(agents, 1);
  EXPECT_EQ(rank2, 1);
  EXPECT_EQ(faults, 1);
}

TEST_F(Reports, JsonAndJunitAgreeWithTheConsole) {
  if (!fs::exists(std::string(BUILD_DIR) + "/bin/refrun")) GTEST_SKIP() << "refrun not built";
  std::string wrong = std::string(TESTDATA_DIR) + "/wrong_expectation.json";
  EXPECT_EQ(run("--json " + dir_ + "/r.json --junit " + dir_ + "/r.xml " + kScenarios +
                "/basic/default_nproc.json " + wrong),
            1);
  Json j = parse_json_file(dir_ + "/r.json");
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["counts"]["pass"], 1);
  EXPECT_EQ(j["counts"]["fail"], 1);
  std::ifstream in(dir_ + "/r.xml");
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"exit n0: expected exit code 4"), std::string::npos) << xml;
  for (auto& r : j["results"])
    if (r["status"] == "fail") fs::remove_all(r["artifacts"].get<std::string>());
}

TEST_F(Reports, MatrixHasAColumnPerProfile) {
  if (!fs::exists(std::string(BUILD_DIR) + "/bin/refrun")) GTEST_SKIP() << "refrun not built";
  std::string fake = std::string(TESTDATA_DIR) + "/fake/profile.json";
  std::string cmd = std::string(LAUNCHCHECK_BIN) + " matrix --profile refrun --profile " + fake +
                    " -o " + dir_ + "/m.md " + kScenarios +
                    "/options/bad_nproc_value.json 2>/dev/null";
  ASSERT_EQ(system(cmd.c_str()), 0);
  std::ifstream in(dir_ + "/m.md");
  std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(md.find("| scenario | refrun | fake |"), std::string::npos) << md;
  EXPECT_NE(md.find("| options/bad_nproc_value | pass | skip: profile fake lacks"),
            std::string::npos)
      << md;
}

}  // namespace
}  // namespace launchcheck
