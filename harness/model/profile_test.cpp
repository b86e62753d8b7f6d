#include "profile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace launchcheck {
namespace {

Profile make(const std::string& style) {
  return parse_profile(
      parse_json_text(R"({"name": "p", "command": ["{build}/bin/x"], "option_style": ")" + style +
                          R"(", "capabilities": ["c10d"]})",
                      "p.json"),
      "/prof/p.json", "/b");
}

// A minimal profile with one more key, and the one-line error it gives ("" if none).
Profile with_key(const std::string& key, const std::string& value) {
  return parse_profile(
      parse_json_text(R"({"name": "p", "command": ["x"], ")" + key + "\": " + value + "}", "p.json"),
      "p.json", "/b");
}

std::string error_with_key(const std::string& key, const std::string& value) {
  try {
    with_key(key, value);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(Profile, RendersDashAndUnderscoreSpellings) {
  std::map<std::string, std::string> o = {
      {"nproc_per_node", "4"}, {"no_python", "true"}, {"standalone", "false"}};
  EXPECT_EQ(render_options(make("dash"), o),
            (std::vector<std::string>{"--no-python", "--nproc-per-node=4"}));
  EXPECT_EQ(render_options(make("underscore"), o),
            (std::vector<std::string>{"--no_python", "--nproc_per_node=4"}));
}

TEST(Profile, OmitsDefaultsUnlessTold) {
  std::map<std::string, std::string> o = {
      {"nnodes", "1:1"}, {"max_restarts", "0"}, {"rdzv_backend", "c10d"}};
  Profile p = make("dash");
  EXPECT_EQ(render_options(p, o), (std::vector<std::string>{"--rdzv-backend=c10d"}));
  p.omit_defaults = false;
  EXPECT_EQ(render_options(p, o).size(), 3u);
}

TEST(Profile, ExpandsBuildAndKnowsCapabilities) {
  Profile p = make("dash");
  EXPECT_EQ(p.command[0], "/b/bin/x");
  EXPECT_TRUE(p.has_capability("c10d"));
  EXPECT_FALSE(p.has_capability("gpu"));
}

TEST(Profile, RejectsUnknownKeysAndStyles) {
  auto err = [](const std::string& text) -> std::string {
    try {
      parse_profile(parse_json_text(text, "p.json"), "p.json", "/b");
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(err(R"({"name": "p", "command": ["x"], "option_style": "camel"})"),
            "p.json: /option_style: expected \"dash\" or \"underscore\", not \"camel\"");
  EXPECT_EQ(err(R"({"name": "p", "command": ["x"], "capabilites": []})"),
            "p.json: /capabilites: unknown key \"capabilites\"");
  EXPECT_EQ(err(R"({"name": "p", "command": []})"),
            "p.json: /command: expected the launcher command as an array");
}

TEST(Profile, AgentRelation) {
  auto agent = [](const std::string& value) { return with_key("agent", value).agent; };
  EXPECT_EQ(agent(R"("launched")").kind, AgentRelation::kLaunched);
  EXPECT_EQ(agent(R"("descendant")").kind, AgentRelation::kDescendant);
  auto m = agent(R"({"command_matches": "bin/refrun"})");
  EXPECT_EQ(m.kind, AgentRelation::kCommandMatches);
  ASSERT_TRUE(m.re);
  EXPECT_EQ(m.re->pattern(), "bin/refrun");
  auto err = [](const std::string& value) { return error_with_key("agent", value); };
  EXPECT_EQ(err(R"("child")"),
            "p.json: /agent: expected \"launched\", \"descendant\" or "
            "{\"command_matches\": REGEX}, not \"child\"");
  EXPECT_EQ(
      err(R"({"command_matches": "("})").rfind("p.json: /agent/command_matches: bad regex", 0), 0u);
  EXPECT_EQ(err(R"({"command": "x"})"), "p.json: /agent/command_matches: missing required field");
}

TEST(Profile, RetriesNeedACountAndAReason) {
  auto parse = [](const std::string& value) { return with_key("retries", value); };
  EXPECT_EQ(parse_profile(parse_json_text(R"({"name": "p", "command": ["x"]})", "p.json"),
                          "p.json", "/b")
                .retries,
            0);
  Profile p = parse(R"({"count": 2, "reason": "its store drops clients under load"})");
  EXPECT_EQ(p.retries, 2);
  EXPECT_EQ(p.retries_reason, "its store drops clients under load");
  auto err = [](const std::string& value) { return error_with_key("retries", value); };
  EXPECT_EQ(err(R"({"count": 1})"), "p.json: /retries/reason: missing required field");
  EXPECT_NE(err(R"({"count": 6, "reason": "r"})").find("/retries/count"), std::string::npos);
  EXPECT_NE(err(R"({"reason": "r"})").find("/retries/count"), std::string::npos);
  EXPECT_NE(err(R"({"count": 1, "reason": "r", "why": 1})").find("/retries"), std::string::npos);
}

TEST(Profile, AgentRssIsAPositiveNumberOfMiB) {
  EXPECT_EQ(with_key("agent_rss_mib", "240").agent_rss_mib, 240);
  EXPECT_THROW(with_key("agent_rss_mib", "0"), std::runtime_error);
  EXPECT_THROW(with_key("agent_rss_mib", "\"big\""), std::runtime_error);
}

TEST(Profile, ShippedProfilesLoadWithTheirExpectations) {
  for (const char* name : {"refrun", "torchrun", "torchrun-py311fix"}) {
    Profile p = load_profile(name, std::string(TESTDATA_DIR) + "/../profiles", "/b");
    EXPECT_EQ(p.name, name);
  }
  Profile t = load_profile("torchrun", std::string(TESTDATA_DIR) + "/../profiles", "/b");
  EXPECT_TRUE(t.underscore);
  EXPECT_THROW(load_profile("nope", std::string(TESTDATA_DIR) + "/../profiles", "/b"),
               std::runtime_error);
}

TEST(Profile, XfailMatchesGlobs) {
  Profile p = make("dash");
  p.xfails.push_back({"signals/*", {"exit n0"}, "known"});
  ASSERT_NE(p.xfail_for("signals/sigkill_agent"), nullptr);
  EXPECT_EQ(p.xfail_for("signals/sigkill_agent")->reason, "known");
  EXPECT_EQ(p.xfail_for("basic/x"), nullptr);
}

// An xfail names the checks expected to fail, so it cannot hide another.
TEST(Profile, AnXfailWithoutChecksIsRejected) {
  char dir[] = "/tmp/lc-profile-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string d = dir;
  std::ofstream(d + "/e.json") << R"({"xfail": [{"scenario": "a/*", "reason": "r"}]})";
  std::ofstream(d + "/p.json") << R"({"name": "p", "command": ["x"], "expectations": "e.json"})";
  std::string err;
  try {
    load_profile(d + "/p.json", d, "/b");
  } catch (const std::exception& e) {
    err = e.what();
  }
  EXPECT_EQ(err, d + "/e.json: /xfail/0/checks: an xfail names the check(s) expected to fail, "
                     "e.g. [\"exit n0\"]");
  std::ofstream(d + "/e.json")
      << R"({"xfail": [{"scenario": "a/*", "checks": ["exit n0"], "reason": "r"}]})";
  EXPECT_EQ(load_profile(d + "/p.json", d, "/b").xfails[0].checks,
            std::vector<std::string>{"exit n0"});
  std::filesystem::remove_all(d);
}

TEST(Profile, FindsExecutablesOnPath) {
  EXPECT_FALSE(find_executable("sh").empty());
  EXPECT_EQ(find_executable("/nonexistent/x"), "");
  EXPECT_EQ(find_executable("no-such-launcher-anywhere"), "");
}

}  // namespace
}  // namespace launchcheck
