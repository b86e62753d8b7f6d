// The closed list of capabilities: unknown names are validation errors in
// scenarios and profiles, and the schema's enum is the same list.
#include "capabilities.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "profile.h"
#include "scenario.h"

namespace launchcheck {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(Capabilities, UnknownInAScenarioNamesFileAndPointer) {
  auto doc = parse_json_text(
      R"({"requires": ["c10d", "log_dir"], "nodes": [{"worker": {"fixture": "cpp"}}]})", "t.json");
  std::string err = error_of([&] {
    parse_scenario(doc, "area/t.json",
                   [](const ExpectSource&) { return std::vector<Expectation>{}; });
  });
  EXPECT_EQ(err.rfind("area/t.json: /requires/1: unknown capability \"log_dir\" (known: ", 0), 0u)
      << err;
}

TEST(Capabilities, UnknownInAProfileNamesFileAndPointer) {
  auto doc = parse_json_text(R"({"name": "p", "command": ["x"], "capabilities": ["c10D"]})", "p");
  std::string err = error_of([&] { parse_profile(doc, "p.json", "/b"); });
  EXPECT_EQ(err.rfind("p.json: /capabilities/0: unknown capability \"c10D\" (known: ", 0), 0u)
      << err;
}

TEST(Capabilities, TheSchemaEnumIsTheSameList) {
  Json schema =
      parse_json_file(std::string(TESTDATA_DIR) + "/../../scenarios/scenario.schema.json");
  std::set<std::string> in_schema, in_list;
  for (auto& n : schema["$defs"]["capability"]["enum"]) in_schema.insert(n.get<std::string>());
  for (auto& c : known_capabilities()) in_list.insert(c.name);
  EXPECT_EQ(in_schema, in_list);
}

// harness/README.md documents every name (a row "| `name` | ... |").
TEST(Capabilities, TheReadmeListsEveryName) {
  std::ifstream in(std::string(TESTDATA_DIR) + "/../README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  for (auto& c : known_capabilities())
    EXPECT_NE(ss.str().find("| `" + std::string(c.name) + "` |"), std::string::npos) << c.name;
}

}  // namespace
}  // namespace launchcheck
