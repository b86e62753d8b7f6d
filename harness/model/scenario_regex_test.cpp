#include "scenario_regex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace launchcheck {

TEST(Regex, SearchAndFullMatchAsStdRegex) {
  Regex r("^\\[default[01]\\]:LCLINE stdout r\\d ");
  EXPECT_TRUE(r.search("[default1]:LCLINE stdout r1 x"));
  EXPECT_FALSE(r.search(" [default1]:LCLINE stdout r1 x"));
  Regex any("[0-9]+");
  EXPECT_TRUE(any.search("port 29500"));
  EXPECT_FALSE(any.full_match("port 29500"));
  EXPECT_TRUE(any.full_match("29500"));
  EXPECT_TRUE(Regex("True|False").full_match("False"));
  EXPECT_TRUE(Regex("ready$").search("[r0]:ready"));
  EXPECT_TRUE(Regex("x{64}").full_match(std::string(64, 'x')));
  // Bytes, not UTF-8: any console output is text.
  EXPECT_TRUE(Regex("a.b").search(std::string("a\xff" "b")));
}

TEST(Regex, BacktrackingPatternsRunInLinearTime) {
  // std::regex was still running after 40 s on this (issue 12, item 8).
  Regex r("(a*)*b");
  std::string text(100000, 'a');
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(r.search(text));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(Regex, WhatNeedsBacktrackingIsRefusedWithTheReason) {
  try {
    Regex r("(a)\\1");
    FAIL() << "a backreference compiled";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("RE2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Regex("(?=a)b"), std::invalid_argument);
  EXPECT_THROW(Regex("(unclosed"), std::invalid_argument);
  EXPECT_THROW(Regex("((x{1000}){1000}){1000}"), std::invalid_argument);
}

}  // namespace launchcheck
