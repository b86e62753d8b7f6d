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
  StdSpec s = parse_std_spec("0:3, 1:1");
  EXPECT_EQ(s.for_rank(0), kStdAll);
  EXPECT_EQ(s.for_rank(1), kStdOut);
  EXPECT_EQ(s.for_rank(2), kStdNone);
}

TEST(StdSpec, BadValues) {
  for (const char* bad : {"4", "-1", "x", "", "0:4", "a:1", "0:", ":1"})
    EXPECT_THROW(parse_std_spec(bad), std::invalid_argument) << bad;
}

}  // namespace refrun
