#include "common/json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace common {

TEST(JsonDepth, CountsArraysAndObjectsButNotBracketsInStrings) {
  EXPECT_EQ(json_nesting_exceeded("{}", 1), std::nullopt);
  EXPECT_EQ(json_nesting_exceeded("{\"a\": [1]}", 1), 6u);
  EXPECT_EQ(json_nesting_exceeded("{\"a\": [1]}", 2), std::nullopt);
  EXPECT_EQ(json_nesting_exceeded("[[],[],[]]", 2), std::nullopt);
  EXPECT_EQ(json_nesting_exceeded("\"[[[[\"", 1), std::nullopt);
  EXPECT_EQ(json_nesting_exceeded("[\"\\\"[[\", []]", 1), 9u);
  EXPECT_EQ(json_nesting_exceeded("42", 0), std::nullopt);
  EXPECT_EQ(json_nesting_exceeded("[", 0), 0u);
}

TEST(JsonDepth, AHundredThousandLevelsAreFoundWithoutRecursion) {
  std::string deep = "{\"id\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(json_nesting_exceeded(deep, 16), 6u + 15u);
  EXPECT_EQ(json_nesting_exceeded(deep, 100001), std::nullopt);
}

}  // namespace common
