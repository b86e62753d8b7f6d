// Judging a hand-made history against an `expect` written as in a scenario.
#pragma once

#include <string>
#include <vector>

#include "registry.h"

namespace launchcheck {

// One node "n0"; {tmp} is /nonexistent-dir and every port is 1234.
inline std::vector<std::string> judge_json(const std::string& expect, const RunRecord& run,
                                           AgentRelation agent = {}) {
  Json doc = parse_json_text(expect, "expect.json");
  Placeholders ph{{{"tmp", "/nonexistent-dir"}}, [] { return 1234; }};
  ResolvedScenario s;
  s.nodes.resize(1);
  s.nodes[0].name = "n0";
  s.agent = agent;
  s.expect = read_expect(ExpectSource{&doc, "/expect", {"n0"}, ph});
  std::vector<std::string> out;
  for (auto& f : judge(s, run)) out.push_back(f.check + ": " + f.expected + " / " + f.actual);
  return out;
}

}  // namespace launchcheck
