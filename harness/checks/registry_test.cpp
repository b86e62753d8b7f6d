// Reading `expect`: the table covers the schema, errors name the field,
// placeholders are substituted when the run's ResolvedScenario is made.
#include "registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace launchcheck {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_scenario(parse_json_text(text, "t.json"), "area/t.json", read_expect);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::string with_expect(const std::string& expect) {
  return error_of(R"({"nodes": [{"worker": {"fixture": "cpp"}}], "expect": )" + expect + "}");
}

// One row per key the JSON Schema allows under `expect`, and no other.
TEST(Registry, TheTableCoversTheSchema) {
  Json schema = parse_json_file(std::string(TESTDATA_DIR) + "/../../scenarios/scenario.schema.json");
  std::set<std::string> in_schema, in_table;
  for (auto it = schema["$defs"]["expect"]["properties"].begin();
       it != schema["$defs"]["expect"]["properties"].end(); ++it)
    in_schema.insert(it.key());
  for (auto& c : check_table()) EXPECT_TRUE(in_table.insert(c.key).second) << "twice: " << c.key;
  EXPECT_EQ(in_table, in_schema);
}

TEST(Registry, ErrorsNameTheFileAndPointer) {
  EXPECT_EQ(with_expect(R"({"exit": "nonzeroo"})"),
            "area/t.json: /expect/exit: expected an exit code, \"nonzero\", \"any\" or a signal "
            "name like \"SIGKILL\"");
  EXPECT_EQ(with_expect(R"({"exit": {"b": 0}})"), "area/t.json: /expect/exit/b: no node named \"b\"");
  EXPECT_EQ(with_expect(R"({"process_tree": {"workers_per_agent": {"zz": 1}}})"),
            "area/t.json: /expect/process_tree/workers_per_agent/zz: no node named \"zz\"");
  EXPECT_EQ(with_expect(R"({"exits": 0})"), "area/t.json: /expect/exits: unknown key \"exits\"");
  EXPECT_EQ(with_expect(R"({"output": [{"contains": "{tpm}"}]})"),
            "area/t.json: /expect/output/0/contains: unknown placeholder {tpm}");
  EXPECT_EQ(with_expect(R"({"env": [{"var": "X", "regex": "("}]})").rfind(
                "area/t.json: /expect/env/0/regex: invalid regex \"(\"", 0),
            0u);
  EXPECT_EQ(with_expect(R"({"events": [{"ev": "step", "step": "{nope}", "count": 1}]})"),
            "area/t.json: /expect/events/0/step: unknown placeholder {nope}");
  EXPECT_EQ(with_expect("[]"), "area/t.json: /expect: expected an object, got array");
}

// The same files the JSON Schema must reject (scenarios/validate_schema.py).
TEST(Registry, RejectsEveryInvalidExample) {
  int n = 0;
  for (auto& f : std::filesystem::directory_iterator(std::string(TESTDATA_DIR) + "/invalid")) {
    ++n;
    EXPECT_THROW(load_scenario(f.path().string(), read_expect), std::runtime_error) << f.path();
  }
  EXPECT_GE(n, 5);
}

TEST(Registry, AcceptsTheShippedSuite) {
  for (auto& f : std::filesystem::recursive_directory_iterator(std::string(TESTDATA_DIR) +
                                                               "/../../scenarios")) {
    if (f.path().extension() != ".json" || f.path().string().ends_with(".schema.json")) continue;
    EXPECT_NO_THROW(load_scenario(f.path().string(), read_expect)) << f.path();
  }
}

// Before a run every placeholder gets its value once: a port named in an
// argument and in an expectation is the same port, and a regex holding one
// is compiled with it.
TEST(Registry, ResolvingSubstitutesEveryPlaceholderOnce) {
  Scenario s = parse_scenario(parse_json_text(R"({
    "nodes": [{"options": {"rdzv_endpoint": "127.0.0.1:{port:store}"}, "worker": {"fixture": "cpp"}}],
    "expect": {"output": [{"regex": "store on {port:store}$"}, {"contains": "{tmp}"}]}})",
                                              "t.json"),
                              "area/t.json", read_expect);
  int next = 5000;
  Placeholders ph({{"tmp", "/run/tmp"}, {"fixture", "/b/lc_worker"}}, [&] { return next++; });
  ResolvedScenario r = resolve_scenario(s, ph, read_expect);
  EXPECT_EQ(r.nodes[0].options.at("rdzv_endpoint"), "127.0.0.1:5000");
  RunRecord run;
  AgentRecord a;
  a.node = "n0";
  a.started = a.exited = true;
  a.exit_code = 0;
  a.out = "store on 5000\nin /run/tmp\n";
  run.agents.push_back(a);
  std::vector<CheckFailure> failures = judge(r, run);
  EXPECT_TRUE(failures.empty()) << failures[0].check << ": " << failures[0].actual;
  run.agents[0].out = "store on {port:store}\n{tmp}\n";
  EXPECT_EQ(judge(r, run).size(), 2u);
}

}  // namespace
}  // namespace launchcheck
