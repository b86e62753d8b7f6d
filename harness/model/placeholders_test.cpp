#include "placeholders.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

Placeholders make() {
  static int next = 40000;
  return Placeholders({{"tmp", "/t"}, {"rdzv_id", "abc"}}, [] { return next++; });
}

TEST(Placeholders, ResolvesKnownNames) {
  auto ph = make();
  EXPECT_EQ(ph.resolve("{tmp}/x-{rdzv_id}"), "/t/x-abc");
  EXPECT_EQ(ph.resolve("{{literal}}"), "{literal}");
}

TEST(Placeholders, PortsAreStablePerNameAndDistinct) {
  auto ph = make();
  std::string a = ph.resolve("{port}"), b = ph.resolve("{port:store}");
  EXPECT_NE(a, b);
  EXPECT_EQ(ph.resolve("{port}"), a);
  EXPECT_EQ(ph.resolve("127.0.0.1:{port:store}"), "127.0.0.1:" + b);
}

TEST(Placeholders, DistinctEvenWhenTheSourceRepeats) {
  Placeholders ph({}, [] { return 5000; });
  int a = ph.port("a");
  int calls = 0;
  Placeholders ph2({}, [&] { return calls++ < 3 ? 5000 : 5001; });
  EXPECT_EQ(ph2.port("a"), 5000);
  EXPECT_EQ(ph2.port("b"), 5001);
  EXPECT_EQ(a, 5000);
}

TEST(Placeholders, UnknownNamesAreErrors) {
  auto ph = make();
  EXPECT_THROW(ph.resolve("{nope}"), std::runtime_error);
  EXPECT_THROW(ph.resolve("{tmp"), std::runtime_error);
  EXPECT_EQ(check_placeholders("{nope}"), "unknown placeholder {nope}");
  EXPECT_EQ(check_placeholders("{port:a_b} {fixture}"), "");
}

TEST(Placeholders, RegexKeepsQuantifiers) {
  auto ph = make();
  EXPECT_EQ(ph.resolve_regex("x{64} in {tmp}"), "x{64} in /t");
}

}  // namespace
}  // namespace launchcheck
