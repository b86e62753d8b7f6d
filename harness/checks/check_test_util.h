// Judging a hand-made history against an `expect` written as in a scenario.
#pragma once

#include <string>
#include <vector>

#include "registry.h"

namespace launchcheck {

// Node "n0"'s agent (pid 100) that exited 0.
inline AgentRecord exited_agent() {
  AgentRecord a;
  a.node = "n0";
  a.pid = 100;
  a.started = a.exited = true;
  a.exit_code = 0;
  return a;
}

// Rank `rank`'s `start` event (pid 200 + rank) with this parent.
inline WorkerEvent worker_start(int rank, int ppid) {
  WorkerEvent e;
  e.ev = "start";
  e.role = "worker";
  e.pid = 200 + rank;
  e.ppid = ppid;
  e.rank = rank;
  return e;
}

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
