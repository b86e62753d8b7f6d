// The run's ResolvedScenario: every placeholder substituted once, the
// runner's defaults added, regexes compiled, errors naming the field.
#include "resolved_scenario.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

std::vector<Expectation> no_expect(const ExpectSource&) {
  return {};
}

ResolvedScenario resolve(const std::string& text, Placeholders& ph) {
  Scenario s = parse_scenario(parse_json_text(text, "t.json"), "area/t.json", no_expect);
  return resolve_scenario(s, ph, no_expect);
}

Placeholders values() {
  static int next = 6000;
  return Placeholders({{"tmp", "/run/tmp"},
                       {"fixture", "/b/bin/lc_worker"},
                       {"shell_fixture", "/b/bin/lc_worker.sh"},
                       {"env:HOME", "/home/x"}},
                      [] { return next++; });
}

TEST(ResolvedScenario, AddsTheRunnersDefaults) {
  Placeholders ph = values();
  auto r = resolve(R"({"nodes": [
    {"options": {"nproc_per_node": 2}, "worker": {"fixture": "cpp", "args": ["touch:{tmp}"]}},
    {"options": {"standalone": true}, "worker": {"fixture": "shell"}},
    {"options": {"rdzv_backend": "c10d", "no_python": false}, "worker": {"program": "{env:HOME}/w"}}]})",
                   ph);
  // A native fixture runs without python; static rendezvous gets a free port.
  EXPECT_EQ(r.nodes[0].options.at("no_python"), "true");
  EXPECT_EQ(r.nodes[0].options.at("master_port"), std::to_string(ph.port("")));
  EXPECT_EQ(r.nodes[0].worker, (std::vector<std::string>{"/b/bin/lc_worker", "touch:/run/tmp"}));
  EXPECT_EQ(r.nodes[1].options.count("master_port"), 0u);  // standalone picks its own
  EXPECT_EQ(r.nodes[1].worker[0], "/b/bin/lc_worker.sh");
  EXPECT_EQ(r.nodes[2].options.count("master_port"), 0u);  // not static
  EXPECT_EQ(r.nodes[2].options.at("no_python"), "false");
  EXPECT_EQ(r.nodes[2].worker[0], "/home/x/w");
}

TEST(ResolvedScenario, SubstitutesRawArgsEnvAndFaults) {
  Placeholders ph = values();
  auto r = resolve(R"({"nodes": [{"raw_args": ["--x={port:a}", "{{literal}}"],
      "env": {"A": "{tmp}/a", "B": null}, "start": "held"}],
    "faults": [
      {"when": {"output_matches": "on {port:a}$"}, "do": {"make_unwritable": "{tmp}/logs"}},
      {"when": {"after_s": 1}, "do": {"send": {"to": "127.0.0.1:{port:a}", "text": "x"}}}]})",
                   ph);
  std::string a = std::to_string(ph.port("a"));
  EXPECT_EQ(*r.nodes[0].raw_args, (std::vector<std::string>{"--x=" + a, "{literal}"}));
  EXPECT_TRUE(r.nodes[0].options.empty());
  ASSERT_EQ(r.nodes[0].env.size(), 2u);
  EXPECT_EQ(r.nodes[0].env[0].second, "/run/tmp/a");
  EXPECT_FALSE(r.nodes[0].env[1].second);
  EXPECT_TRUE(r.nodes[0].held);
  ASSERT_TRUE(r.faults[0].output_regex);
  EXPECT_TRUE(r.faults[0].output_regex->search("listening on " + a));
  EXPECT_EQ(r.faults[0].when.regex, "on {port:a}$");  // as written, for reports
  EXPECT_EQ(r.faults[0].action.path, "/run/tmp/logs");
  EXPECT_EQ(r.faults[1].action.address, "127.0.0.1:" + a);
}

// A regex that only becomes one with the run's values is checked then.
TEST(ResolvedScenario, ARegexThatBreaksWithItsValuesIsAnError) {
  Placeholders ph({{"tmp", "/t(mp"}, {"fixture", "/b/lc_worker"}}, [] { return 1; });
  try {
    resolve(R"({"nodes": [{"worker": {"fixture": "cpp"}}],
      "faults": [{"when": {"output_matches": "{tmp}"}, "do": {"start_node": "n0"}}]})",
            ph);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "area/t.json: /faults/0/when/output_matches: invalid regex \"/t(mp\"", 0),
              0u)
        << e.what();
  }
}

}  // namespace
}  // namespace launchcheck
