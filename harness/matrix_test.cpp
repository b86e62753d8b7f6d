#include "matrix.h"

#include <gtest/gtest.h>

namespace {

ScenarioResult result(const std::string& id, const std::string& status, const std::string& reason) {
  ScenarioResult r;
  r.id = id;
  r.status = status;
  r.reason = reason;
  return r;
}

TEST(Matrix, OneRowPerScenarioWithReasons) {
  auto failed = result("signals/b", "fail", "");
  failed.failures.push_back({"exit n0", "exit code 1", "exit code 0 | odd"});
  MatrixColumn a{"refrun", {result("signals/b", "pass", ""), result("basic/a", "pass", "")}};
  MatrixColumn b{"torchrun", {failed, result("basic/a", "skip", "lacks capability \"x\"")}};
  std::string md = matrix_markdown({a, b});
  EXPECT_NE(md.find("| scenario | refrun | torchrun |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `basic/a` | pass | skip: lacks capability \"x\" |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| `signals/b` | pass | **fail**: exit n0: exit code 0 \\| odd |"),
            std::string::npos)
      << md;
  EXPECT_LT(md.find("basic/a"), md.find("signals/b"));
  EXPECT_NE(md.find("- **torchrun**: 0 pass, 1 fail (0 expected), 1 skip"), std::string::npos)
      << md;
}

TEST(Matrix, ExpectedFailureShowsItsReason) {
  EXPECT_EQ(matrix_cell(result("x/y", "xfail", "crashes on 3.11")),
            "fail (expected): crashes on 3.11");
  EXPECT_EQ(matrix_cell(result("x/y", "pass", "")), "pass");
}

}  // namespace
