// `hosts`, each node's `host`, the {host:NAME}/{addr:NAME} placeholders and
// the network faults: parsed, and every unknown or misplaced host name
// rejected with the file and the JSON pointer.
#include <gtest/gtest.h>

#include "scenario.h"

namespace launchcheck {
namespace {

std::vector<Expectation> no_expect(const ExpectSource&) { return {}; }

Scenario parse(const std::string& text) {
  return parse_scenario(parse_json_text(text, "t.json"), "area/t.json", no_expect);
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

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
