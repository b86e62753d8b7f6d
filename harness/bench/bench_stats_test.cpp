#include "bench_stats.h"

#include <gtest/gtest.h>

namespace launchcheck {

TEST(BenchStats, OddCountTakesTheMiddle) {
  auto s = summarize({5, 1, 3});
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.median, 3);
  EXPECT_EQ(s.max, 5);
}

TEST(BenchStats, EvenCountAveragesTheMiddleTwo) {
  auto s = summarize({4, 1, 2, 10});
  EXPECT_EQ(s.median, 3);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 10);
}

TEST(BenchStats, EmptyHasNoCount) {
  EXPECT_EQ(summarize({}).count, 0);
}

}  // namespace launchcheck
