#include "std_streams.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace refrun {

TEST(StdSpec, SingleValueAppliesToEveryRank) {
  StdSpec s = parse_std_spec("2");
  EXPECT_EQ(s.for_rank(0), kStdErr);
  EXPECT_EQ(s.for_rank(7), kStdErr);
}

TEST(StdSpec, MapLeavesOtherRanksAlone) {
  StdSpec s = parse_std_spec("0:3,1:1");
  EXPECT_EQ(s.for_rank(0), kStdAll);
  EXPECT_EQ(s.for_rank(1), kStdOut);
  EXPECT_EQ(s.for_rank(2), kStdNone);
}

TEST(StdSpec, RepeatedRankKeepsTheLastValue) {
  EXPECT_EQ(parse_std_spec("0:1,0:2").for_rank(0), kStdErr);
  EXPECT_EQ(parse_std_spec("9:3").for_rank(9), kStdAll);
}

// What upstream's two regexes refuse: everything but one character 0-3 or
// one-digit:0-3 pairs joined by commas.
TEST(StdSpec, RefusesWhatUpstreamRefuses) {
  for (const char* bad : {"4", "-1", "x", "", "0:4", "a:1", "0:", ":1", "01", " 1", "1 ", "+1",
                          "10:1", "0:1,", ",0:1", "0:1,,1:1", "0:3, 1:1", "0x1", "0:1 ", "00:1"})
    EXPECT_THROW(parse_std_spec(bad), std::invalid_argument) << '"' << bad << '"';
}

}  // namespace refrun
