#include "suite.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace launchcheck {
namespace {

const std::string kScenarios = std::string(TESTDATA_DIR) + "/../../scenarios";

TEST(Suite, FindsScenarioFilesSortedWithoutSchemas) {
  auto files = find_scenario_files({kScenarios + "/basic"});
  ASSERT_FALSE(files.empty());
  EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
  for (auto& f : files) EXPECT_FALSE(f.ends_with(".schema.json")) << f;
  EXPECT_THROW(find_scenario_files({kScenarios + "/nope"}), std::runtime_error);
}

TEST(Suite, LoadsAndFiltersByIdOrName) {
  std::vector<std::string> errors;
  auto all = load_scenarios(find_scenario_files({kScenarios + "/basic"}), &errors);
  EXPECT_TRUE(errors.empty());
  int kept = 0;
  for (auto& s : all) kept += matches_filter(s, "basic/four_*");
  EXPECT_GE(kept, 1);
  EXPECT_TRUE(matches_filter(all[0], ""));
  EXPECT_FALSE(matches_filter(all[0], "nothing/*"));
}

TEST(Suite, ABadFileIsOneLine) {
  std::vector<std::string> errors;
  load_scenarios({std::string(TESTDATA_DIR) + "/invalid/bad_exit.json"}, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].find('\n'), std::string::npos);
  EXPECT_NE(errors[0].find("bad_exit.json: /expect/exit"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace launchcheck
