// Choosing and ordering scenarios: filters, excludes, tags, the failures of
// a report, a shuffle that a seed reproduces.
#include "selection.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

Scenario scenario(const std::string& id, std::vector<std::string> tags = {}) {
  Scenario s;
  s.id = id;
  s.name = id.substr(id.find('/') + 1);
  s.tags = std::move(tags);
  return s;
}

TEST(Selection, SeveralFiltersAnyExcludesNone) {
  ScenarioSelection sel;
  sel.filters = {"basic/*", "signals/forward_*"};
  sel.excludes = {"*python*"};
  EXPECT_TRUE(is_selected(scenario("basic/four"), sel));
  EXPECT_TRUE(is_selected(scenario("signals/forward_sigterm"), sel));
  EXPECT_FALSE(is_selected(scenario("signals/sigkill"), sel));
  EXPECT_FALSE(is_selected(scenario("basic/python_worker"), sel));
  EXPECT_TRUE(is_selected(scenario("x/y"), ScenarioSelection{}));
}

TEST(Selection, TagsAnyOfNotTagsNoneOf) {
  ScenarioSelection sel;
  sel.tags = {"slow", "c10d"};
  sel.not_tags = {"gpu"};
  EXPECT_TRUE(is_selected(scenario("a/b", {"c10d"}), sel));
  EXPECT_FALSE(is_selected(scenario("a/b", {"c10d", "gpu"}), sel));
  EXPECT_FALSE(is_selected(scenario("a/b", {"other"}), sel));
  EXPECT_FALSE(is_selected(scenario("a/b"), sel));
}

TEST(Selection, FailedIdsOfAReport) {
  Json report = {{"results",
                  {{{"id", "a/pass"}, {"status", "pass"}},
                   {{"id", "a/fail"}, {"status", "fail"}},
                   {{"id", "a/xfail"}, {"status", "xfail"}},
                   {{"id", "a/xpass"}, {"status", "xpass"}},
                   {{"id", "a/err"}, {"status", "error"}},
                   {{"id", "a/skip"}, {"status", "skip"}}}}};
  EXPECT_EQ(failed_ids(report), (std::set<std::string>{"a/err", "a/fail", "a/xpass"}));
  EXPECT_THROW(failed_ids(Json::array()), std::runtime_error);
}

TEST(Selection, TheSameSeedTheSameOrder) {
  std::vector<Scenario> a, b;
  for (int i = 0; i < 20; ++i) a.push_back(scenario("a/" + std::to_string(i)));
  b = a;
  auto original = a;
  shuffle_scenarios(a, 7);
  shuffle_scenarios(b, 7);
  std::vector<std::string> ia, ib, io;
  for (size_t i = 0; i < a.size(); ++i) {
    ia.push_back(a[i].id);
    ib.push_back(b[i].id);
    io.push_back(original[i].id);
  }
  EXPECT_EQ(ia, ib);
  EXPECT_NE(ia, io);
  shuffle_scenarios(b, 8);
  std::vector<std::string> i8;
  for (auto& s : b) i8.push_back(s.id);
  EXPECT_NE(i8, ia);
}

}  // namespace
}  // namespace launchcheck
