#include "line_splitter.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

TEST(LineSplitter, KeepsThePartialLastLine) {
  LineSplitter s;
  EXPECT_EQ(s.feed("a\nb", 3), std::vector<std::string>{"a"});
  EXPECT_EQ(s.feed("c\n\nd", 4), (std::vector<std::string>{"bc", ""}));
  EXPECT_EQ(s.rest(), "d");
}

}  // namespace
}  // namespace launchcheck
