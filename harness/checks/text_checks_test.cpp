// The text parsers behind line_integrity and failure_summary.
#include <gtest/gtest.h>

#include "families.h"

namespace launchcheck {
namespace {

std::string lcline(const char* stream, int rank, int seq) {
  char buf[128];
  snprintf(buf, sizeof buf, "LCLINE %s r%d %06d %s", stream, rank, seq,
           std::string(64, 'x').c_str());
  return buf;
}

TEST(LineIntegrity, WholePrefixedLinesPass) {
  std::string text;
  for (int r = 0; r < 2; ++r)
    for (int i = 0; i < 3; ++i)
      text += "[default" + std::to_string(r) + "]:" + lcline("stdout", r, i) + "\n";
  auto res = check_lines(text, "stdout", {0, 1}, 3);
  EXPECT_EQ(res.missing + res.duplicated + res.broken, 0) << res.first_problem;
}

TEST(LineIntegrity, FindsMissingDuplicatedAndBrokenLines) {
  std::string text = lcline("stdout", 0, 0) + "\n" + lcline("stdout", 0, 0) + "\n";
  std::string half = lcline("stdout", 0, 2);
  text += half.substr(0, 30) + lcline("stdout", 1, 0) + "\n";  // two lines spliced together
  auto res = check_lines(text, "stdout", {0}, 3);
  EXPECT_EQ(res.duplicated, 1);
  EXPECT_EQ(res.missing, 2);
  EXPECT_EQ(res.broken, 1);
}

TEST(LineIntegrity, OtherStreamIsIgnored) {
  auto res = check_lines(lcline("stderr", 0, 0) + "\n", "stdout", {0}, 1);
  EXPECT_EQ(res.missing, 1);
  EXPECT_EQ(res.broken, 0);
}

TEST(FailureSummary, ParsesTorchelasticFormat) {
  std::string console =
      "Failures:\n  <NO_OTHER_FAILURES>\n------\nRoot Cause (first observed failure):\n[0]:\n"
      "  time      : 2024-01-01_00:00:00\n  host      : h\n  rank      : 2 (local_rank: 2)\n"
      "  exitcode  : -9 (pid: 123)\n  error_file: <N/A>\n";
  auto s = parse_failure_summary(console);
  ASSERT_TRUE(s.found);
  EXPECT_EQ(s.root_cause_rank, 2);
  EXPECT_EQ(s.exit_code, -9);
  EXPECT_TRUE(s.exit_is_signal);
  EXPECT_FALSE(parse_failure_summary("nothing here").found);
}

}  // namespace
}  // namespace launchcheck
