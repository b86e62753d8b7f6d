#include "bench_tee.h"

#include <gtest/gtest.h>

#include <string>

namespace launchcheck {
namespace {

std::string fixture_line(const std::string& prefix, int rank, int seq) {
  char num[16];
  snprintf(num, sizeof num, "%06d", seq);
  return prefix + "LCLINE stdout r" + std::to_string(rank) + " " + num + " " +
         std::string(64, 'x') + "\n";
}

}  // namespace

TEST(TeeLineCounter, WholeLinesInAnyChunkingCount) {
  TeeLineCounter c(2, 3);
  std::string all;
  for (int seq = 0; seq < 3; ++seq)
    for (int rank = 0; rank < 2; ++rank)
      all += fixture_line("[default" + std::to_string(rank) + "]:", rank, seq);
  all += "some launcher chatter\n";
  for (size_t i = 0; i < all.size(); i += 7)
    c.feed(all.data() + i, std::min<size_t>(7, all.size() - i));
  c.finish();
  EXPECT_EQ(c.intact(), 6);
  EXPECT_EQ(c.lost(), 0);
  EXPECT_EQ(c.split(), 0);
  EXPECT_EQ(c.bytes(), static_cast<int64_t>(all.size()));
}

TEST(TeeLineCounter, InterleavedHalvesAreSplitAndLost) {
  TeeLineCounter c(2, 1);
  std::string a = fixture_line("[default0]:", 0, 0), b = fixture_line("[default1]:", 1, 0);
  std::string mixed = a.substr(0, 40) + b + a.substr(40);
  c.feed(mixed.data(), mixed.size());
  c.finish();
  // Both lines are broken: one console line holds both starts, the other
  // a's tail of x's; both are split.
  EXPECT_EQ(c.intact(), 0);
  EXPECT_EQ(c.lost(), 2);
  EXPECT_EQ(c.split(), 2);
}

TEST(TeeLineCounter, ALineBrokenInsideItsMarkerCountsAsSplit) {
  TeeLineCounter c(1, 1);
  std::string l = fixture_line("", 0, 0);
  std::string broken = "[default0]:" + l.substr(0, 3) + "\n[default0]:" + l.substr(3);
  c.feed(broken.data(), broken.size());
  c.finish();
  EXPECT_EQ(c.intact(), 0);
  EXPECT_EQ(c.lost(), 1);
  EXPECT_EQ(c.split(), 1);
}

TEST(TeeLineCounter, DuplicatesDoNotHideALostLine) {
  TeeLineCounter c(1, 2);
  std::string twice = fixture_line("", 0, 0) + fixture_line("", 0, 0);
  c.feed(twice.data(), twice.size());
  c.finish();
  EXPECT_EQ(c.intact(), 1);
  EXPECT_EQ(c.duplicates(), 1);
  EXPECT_EQ(c.lost(), 1);
}

TEST(TeeLineCounter, ALastLineWithoutNewlineIsJudgedAtTheEnd) {
  TeeLineCounter c(1, 1);
  std::string l = fixture_line("", 0, 0);
  l.pop_back();
  c.feed(l.data(), l.size());
  EXPECT_EQ(c.intact(), 0);
  c.finish();
  EXPECT_EQ(c.intact(), 1);
}
}  // namespace launchcheck
