#include "scenario.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace launchcheck {
namespace {

// The model alone: `expect` is kept as written and judged by checks/, so
// these tests hand it a reader that only records what it was given.
std::vector<ExpectSource> seen;
std::vector<Expectation> record_expect(const ExpectSource& in) {
  seen.push_back(in);
  return {};
}

Scenario parse(const std::string& text) {
  return parse_scenario(parse_json_text(text, "t.json"), "area/t.json", record_expect);
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(Scenario, ParsesAFullScenario) {
  Scenario s = parse(R"({
    "name": "n", "tags": ["a"], "requires": ["c10d"], "timeout_s": 5,
    "nodes": [
      {"name": "a", "options": {"nproc_per_node": 4, "standalone": true, "monitor_interval": 0.5},
       "env": {"X": "1", "Y": null}, "worker": {"fixture": "cpp", "args": ["touch:{tmp}"]}},
      {"start": "held", "raw_args": ["--nproc_per_node", "2"]},
      {"start": {"after_s": 1.5}, "worker": {"program": "/bin/true"}}
    ],
    "faults": [
      {"when": {"rank_started": 1, "attempt": 0}, "do": {"signal": "SIGSTOP", "to": "rank:1"}},
      {"when": {"agent_exited": "a", "delay_s": 0.5}, "do": {"start_node": "n1"}},
      {"when": {"output_matches": "x{3}", "node": "a"}, "do": {"send": {"to": "h:1", "hex": "0aff", "repeat": 2}}}
    ],
    "expect": {"exit": {"a": 0, "n1": "SIGKILL", "n2": "nonzero"}, "world_size": 4,
               "env": [{"var": "RANK", "same_across_ranks": true}],
               "output": [{"regex": "^x$", "count": 2}], "duration_s": {"max": 3}}
  })");
  EXPECT_EQ(s.id, "area/t");
  ASSERT_EQ(s.nodes.size(), 3u);
  EXPECT_EQ(s.nodes[0].options.at("nproc_per_node"), "4");
  EXPECT_EQ(s.nodes[0].options.at("standalone"), "true");
  EXPECT_EQ(s.nodes[0].options.at("monitor_interval"), "0.5");
  EXPECT_FALSE(s.nodes[0].env[1].second.has_value());
  EXPECT_EQ(s.nodes[1].name, "n1");
  EXPECT_TRUE(s.nodes[1].held);
  EXPECT_EQ(s.nodes[2].start_after_s, 1.5);
  EXPECT_EQ(s.nodes[2].worker.program, "/bin/true");
  EXPECT_EQ(s.faults[0].action.signo, SIGSTOP);
  EXPECT_EQ(s.faults[0].action.rank, 1);
  EXPECT_EQ(s.faults[0].when.attempt, 0);
  EXPECT_EQ(s.faults[1].when.delay_s, 0.5);
  EXPECT_EQ(s.faults[2].action.bytes, std::string("\x0a\xff", 2));
  EXPECT_EQ(s.faults[2].action.repeat, 2);
  EXPECT_EQ(s.faults[2].when.regex, "x{3}");
  EXPECT_EQ(s.expect["world_size"], 4);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().pointer, "/expect");
  EXPECT_EQ(seen.back().nodes, (std::vector<std::string>{"a", "n1", "n2"}));
}

TEST(Scenario, WithoutExpectTheReaderSeesNothing) {
  Scenario s = parse(R"({"nodes": [{"worker": {"fixture": "cpp"}}]})");
  EXPECT_TRUE(s.expect.is_null());
  EXPECT_EQ(seen.back().expect, nullptr);
}

TEST(Scenario, ErrorsNameTheFileAndPointer) {
  EXPECT_EQ(error_of(R"({"nodes": [{"options": {"nproc": 2}, "worker": {"fixture": "cpp"}}]})"),
            "area/t.json: /nodes/0/options/nproc: unknown key \"nproc\"");
  EXPECT_EQ(error_of(R"({"nodes": [{"worker": {"fixture": "cpp", "args": ["{tmpp}"]}}]})"),
            "area/t.json: /nodes/0/worker/args/0: unknown placeholder {tmpp}");
}

TEST(Scenario, RejectsBadCrossReferences) {
  EXPECT_NE(error_of(R"({"nodes": [{"worker": {"fixture": "cpp"}}],
    "faults": [{"when": {"agent_exited": "zz"}, "do": {"start_node": "n0"}}]})")
                .find("/faults/0/when/agent_exited: no node named \"zz\""),
            std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"nodes": [{"name": "a", "worker": {"fixture": "cpp"}}, {"name": "a", "worker": {"fixture": "cpp"}}]})")
          .find("duplicate node name"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"nodes": [{"raw_args": [], "worker": {"fixture": "cpp"}}]})")
                .find("raw_args replaces"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"nodes": []})").find("/nodes: expected at least one node"),
            std::string::npos);
}

TEST(Scenario, SyntaxErrorsHaveLineAndColumn) {
  try {
    parse_json_text("{\n  \"nodes\": [,]\n}", "f.json");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_EQ(std::string(e.what()).rfind("f.json:2:13: ", 0), 0u) << e.what();
  }
}

TEST(Scenario, RejectsBadFaults) {
  auto with_fault = [](const std::string& fault) {
    return error_of(R"({"nodes": [{"worker": {"fixture": "cpp"}}], "faults": [)" + fault + "]}");
  };
  EXPECT_EQ(with_fault(R"({"when": {"after_s": 1}, "do": {"signal": "SIGNOPE", "to": "workers"}})"),
            "area/t.json: /faults/0/do/signal: unknown signal \"SIGNOPE\"");
  EXPECT_NE(with_fault(R"({"when": {"output_matches": "("}, "do": {"signal": "TERM", "to": "workers"}})")
                .find("/faults/0/when/output_matches: invalid regex"),
            std::string::npos);
  // A regex holding a per-run value is compiled before the run, not on loading.
  EXPECT_EQ(with_fault(R"({"when": {"output_matches": "{port}"}, "do": {"signal": "TERM", "to": "workers"}})"),
            "");
  EXPECT_EQ(with_fault(R"({"when": {"after_s": 1}, "do": {"send": {"to": "h:1", "hex": "0g"}}})"),
            "area/t.json: /faults/0/do/send/hex: not a hex digit pair: \"0g\"");
}

// Issue 12, item 7: 1e308 killed the scenario at t=0 ("within -2147483648
// s"), after_s 1e300 fired at once, a negative after_s was accepted, 1e400
// was an error without the file's name.
TEST(Scenario, NumbersAreRangeCheckedWithFileAndPointer) {
  const std::string node = R"("nodes": [{"worker": {"fixture": "cpp"}}])";
  EXPECT_EQ(error_of("{\"timeout_s\": 1e308, " + node + "}"),
            "area/t.json: /timeout_s: expected a number from 0 to 86400, got 1e+308");
  EXPECT_EQ(error_of(R"({"nodes": [{"start": {"after_s": -1}, "worker": {"fixture": "cpp"}}]})"),
            "area/t.json: /nodes/0/start/after_s: expected a number from 0 to 86400, got -1");
  EXPECT_EQ(error_of("{" + node + R"(, "faults": [{"when": {"after_s": 1e300}, "do": {"start_node": "n0"}}]})"),
            "area/t.json: /faults/0/when/after_s: expected a number from 0 to 86400, got 1e+300");
  EXPECT_EQ(error_of("{" + node + R"(, "faults": [{"when": {"rank_started": 4294967296}, "do": {"start_node": "n0"}}]})"),
            "area/t.json: /faults/0/when/rank_started: expected an integer from 0 to 2147483647, got 4294967296");
  EXPECT_EQ(error_of("{" + node + R"(, "faults": [{"when": {"after_s": 1, "delay_s": -0.5}, "do": {"start_node": "n0"}}]})"),
            "area/t.json: /faults/0/when/delay_s: expected a number from 0 to 86400, got -0.5");
}

TEST(Scenario, UnrepresentableNumbersAndDeepNestingNameTheFile) {
  try {
    parse_json_text("{\n  \"timeout_s\": 1e400}", "f.json");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_EQ(std::string(e.what()), "f.json:2:16: number overflow parsing '1e400'");
  }
  try {
    parse_json_text("{\"tags\": " + std::string(100000, '[') + std::string(100000, ']') + "}",
                    "f.json");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_EQ(std::string(e.what()), "f.json:1:73: nesting deeper than 64 levels");
  }
}

// `hosts`, each node's `host`, {host:NAME}/{addr:NAME} and the network
// faults: every unknown or misplaced host name is an error with file and pointer.
const char kWorker[] = R"("worker": {"fixture": "cpp"})";

std::string with(const std::string& hosts, const std::string& nodes,
                 const std::string& faults = "[]") {
  return "{" + hosts + "\"nodes\": " + nodes + ", \"faults\": " + faults + "}";
}

TEST(HostsSpec, ParsesHostsNodesPlaceholdersAndNetworkFaults) {
  Scenario s = parse(with(R"("hosts": ["h0", "h1", "db-2"],)",
      std::string(R"([{"host": "h0", "options": {"rdzv_endpoint": "{host:h0}:{port}",
                                                 "local_addr": "{addr:h1}"}, )") + kWorker +
          R"(}, {"host": "db-2", )" + kWorker + "}]",
      R"([{"when": {"after_s": 1}, "do": {"isolate": "h1"}},
          {"when": {"after_s": 2}, "do": {"partition": [["h0"], ["h1", "db-2"]]}},
          {"when": {"after_s": 3}, "do": {"heal": true}},
          {"when": {"after_s": 4}, "do": {"kill_host": "db-2"}}])"));
  EXPECT_EQ(s.hosts, (std::vector<std::string>{"h0", "h1", "db-2"}));
  EXPECT_EQ(s.nodes[0].host, "h0");
  EXPECT_EQ(s.nodes[1].host, "db-2");
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].action.kind, Action::Kind::kIsolate);
  EXPECT_EQ(s.faults[0].action.host, "h1");
  EXPECT_EQ(s.faults[1].action.kind, Action::Kind::kPartition);
  EXPECT_EQ(s.faults[1].action.groups,
            (std::vector<std::vector<std::string>>{{"h0"}, {"h1", "db-2"}}));
  EXPECT_EQ(s.faults[2].action.kind, Action::Kind::kHeal);
  EXPECT_EQ(s.faults[3].action.kind, Action::Kind::kKillHost);
  EXPECT_TRUE(is_host_fault(Action::Kind::kHeal));
  EXPECT_FALSE(is_host_fault(Action::Kind::kSend));
}

TEST(HostsSpec, UnknownHostNamesAreErrorsWithFileAndPointer) {
  std::string node = std::string(R"([{"host": "h0", )") + kWorker + "}]";
  EXPECT_EQ(error_of(with(R"("hosts": ["h0"],)", std::string(R"([{"host": "h9", )") + kWorker + "}]")),
            "area/t.json: /nodes/0/host: no host named \"h9\"");
  EXPECT_EQ(error_of(with(R"("hosts": ["h0"],)",
                          std::string(R"([{"host": "h0", "options": {"master_addr": "{host:h1}"}, )") +
                              kWorker + "}]")),
            "area/t.json: /nodes/0/options/master_addr: unknown host \"h1\" in {host:h1}");
  EXPECT_EQ(error_of(with("", std::string(R"([{"env": {"A": "{addr:h0}"}, )") + kWorker + "}]")),
            "area/t.json: /nodes/0/env/A: unknown host \"h0\" in {addr:h0} (the scenario declares "
            "no \"hosts\")");
  EXPECT_EQ(error_of(with(R"("hosts": ["h0"],)", node,
                          R"([{"when": {"after_s": 1}, "do": {"isolate": "h1"}}])")),
            "area/t.json: /faults/0/do/isolate: no host named \"h1\"");
  EXPECT_EQ(error_of(with(R"("hosts": ["h0"],)", node,
                          R"([{"when": {"after_s": 1}, "do": {"partition": [["h0"], ["h0"]]}}])")),
            "area/t.json: /faults/0/do/partition/1/0: host \"h0\" is in more than one group");
  EXPECT_EQ(error_of(with("", std::string("[{") + kWorker + "}]",
                          R"([{"when": {"after_s": 1}, "do": {"heal": true}}])")),
            "area/t.json: /faults/0/do/heal: a network fault needs \"hosts\" in the scenario");
}

TEST(HostsSpec, HostsAndNodesMustAgree) {
  EXPECT_EQ(error_of(with(R"("hosts": ["h0"],)", std::string("[{") + kWorker + "}]")),
            "area/t.json: /nodes/0/host: missing: every node runs on one of \"hosts\"");
  EXPECT_EQ(error_of(with("", std::string(R"([{"host": "h0", )") + kWorker + "}]")),
            "area/t.json: /nodes/0/host: \"host\" needs \"hosts\" in the scenario");
  std::string node = std::string(R"([{"host": "h0", )") + kWorker + "}]";
  EXPECT_EQ(error_of(with(R"("hosts": ["h0", "h0"],)", node)),
            "area/t.json: /hosts/1: duplicate host \"h0\"");
  EXPECT_EQ(error_of(with(R"("hosts": ["H_0"],)", node)),
            "area/t.json: /hosts/0: \"H_0\" is not a host name (a-z, 0-9, '-', at most 63)");
  EXPECT_EQ(error_of(with(R"("hosts": [],)", node)), "area/t.json: /hosts: expected 1 to 32 hosts");
  EXPECT_EQ(error_of(with(R"("hosts": ["h0"],)", node,
                          R"([{"when": {"after_s": 1}, "do": {"heal": false}}])")),
            "area/t.json: /faults/0/do/heal: expected true");
}

}  // namespace
}  // namespace launchcheck
