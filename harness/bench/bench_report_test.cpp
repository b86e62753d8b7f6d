#include "bench_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using ::testing::HasSubstr;
using ::testing::Not;

namespace launchcheck {
namespace {

BenchCaseResult trivial(int n, double a_ms, double b_ms) {
  BenchCase c;
  c.name = "trivial-" + std::to_string(n);
  c.metrics = {{"wall_ms", "wall", "ms"}};
  BenchCaseResult cr{c, {}};
  cr.results.push_back({"a", "ok", "", {{"wall_ms", {a_ms, a_ms * 2, a_ms / 2}}}});
  cr.results.push_back({"b", "ok", "", {{"wall_ms", {b_ms}}}});
  return cr;
}

BenchMeta meta() {
  BenchMeta m;
  m.runs = 3;
  m.warmup = 1;
  m.profiles = {"a", "b"};
  return m;
}

}  // namespace

TEST(BenchReport, JsonHasStatsAndTheRatioToTheFirstProfile) {
  Json doc = bench_json(meta(), {trivial(4, 10, 2000)});
  const Json& a = doc["cases"][0]["results"][0]["stats"]["wall_ms"];
  EXPECT_EQ(a["min"], 5);
  EXPECT_EQ(a["median"], 10);
  EXPECT_EQ(a["max"], 20);
  EXPECT_EQ(a["ratio_to_first"], 1);
  EXPECT_EQ(doc["cases"][0]["results"][1]["stats"]["wall_ms"]["ratio_to_first"], 200);
}

TEST(BenchReport, MarkdownShowsMedianRangeAndRatio) {
  std::string md = bench_markdown(meta(), {trivial(4, 10, 2000)});
  EXPECT_THAT(md, HasSubstr("| trivial-4 | wall (ms) | 10 (5–20) | 2000 (2000–2000) | ×200 |"));
}

TEST(BenchReport, MarkdownSaysWhyAProfileWasSkipped) {
  auto cr = trivial(4, 10, 20);
  cr.results[1] = {"b", "skip", "launcher \"b\" is not installed", {}};
  std::string md = bench_markdown(meta(), {cr});
  EXPECT_THAT(md, HasSubstr("skip: launcher \"b\" is not installed"));
}

TEST(BenchReport, SvgPlotsOnePointPerProfileAndSize) {
  std::string svg = bench_svg({trivial(4, 10, 2000), trivial(64, 30, 3000)});
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1))
    ++circles;
  EXPECT_EQ(circles, 4u);
  EXPECT_THAT(svg, HasSubstr("<polyline"));
  EXPECT_THAT(svg, HasSubstr("</svg>"));
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  EXPECT_THAT(svg, Not(HasSubstr("inf")));
}

TEST(BenchReport, SvgWithoutDataSaysSo) {
  EXPECT_THAT(bench_svg({}), HasSubstr("no data"));
}
}  // namespace launchcheck
