// `process_tree`: every worker is a child of an agent, and how many each agent
// started. Which process is the agent is the profile's `agent`: the launched
// process itself by default, or a process below it for wrappers that do not
// exec.
#include <map>

#include "check_text.h"
#include "families.h"
#include "scenario_regex.h"

namespace launchcheck {

namespace {

struct TreeExpect {
  bool workers_parent_is_agent = true;
  std::map<std::string, int> workers_per_agent;
};

}  // namespace

std::any parse_process_tree(const ExpectInput& in) {
  const Json* t = in.expect.get(in.key);
  if (!t) return {};
  ObjectReader tr(*t, in.pointer());
  TreeExpect te;
  te.workers_parent_is_agent = tr.boolean("workers_parent_is_agent").value_or(true);
  if (const Json* per = tr.get("workers_per_agent")) {
    ObjectReader pr(*per, tr.pointer("workers_per_agent"));
    for (auto it = per->begin(); it != per->end(); ++it) {
      auto n = pr.integer(it.key(), 0, kMaxCount);
      te.workers_per_agent[it.key()] = static_cast<int>(*n);
      in.check_node(it.key(), pr.pointer(it.key()));
    }
  }
  tr.finish();
  return te;
}

namespace {

// The worker's parent, grandparent, ... as the runner saw them at its start
// (just the parent's pid when /proc had nothing).
std::vector<SeenProcess> chain_of(const WorkerEvent& e, const RunRecord& run) {
  auto it = run.ancestry.find(e.pid);
  if (it != run.ancestry.end() && !it->second.empty()) return it->second;
  return {{e.ppid, ""}};
}

// The agent whose child this worker is under the profile's relation; nullptr
// when none is.
const AgentRecord* owner_of(const std::vector<SeenProcess>& chain, const AgentRelation& rel,
                            const RunRecord& run) {
  for (auto& a : run.agents) {
    if (!a.pid) continue;
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain[i].pid != a.pid) continue;
      switch (rel.kind) {
        case AgentRelation::kLaunched:
          if (i == 0) return &a;
          break;
        case AgentRelation::kDescendant:
          return &a;
        case AgentRelation::kCommandMatches:
          if (rel.re && rel.re->search(chain[0].cmdline)) return &a;
          break;
      }
    }
  }
  return nullptr;
}

std::string process_text(int pid, const std::string& cmdline) {
  return std::to_string(pid) + " `" + (cmdline.empty() ? "(gone)" : clip(cmdline, 160)) + "`";
}

std::string join_args(const std::vector<std::string>& argv) {
  std::string out;
  for (auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// "rank 0 (pid 17611 `lc_worker.py hang`) has parent 17609 `python3 wrap.py
// ...`, above it 17600 `...`; the agents: n0 17600 `...`"
std::string tree_text(const WorkerEvent& e, const std::vector<SeenProcess>& chain,
                      const RunRecord& run) {
  std::string out = "rank " + (e.rank ? std::to_string(*e.rank) : "?") + " (pid " +
                    process_text(e.pid, join_args(e.argv)) + ") has parent " +
                    process_text(chain[0].pid, chain[0].cmdline);
  for (size_t i = 1; i < chain.size(); ++i)
    out += (i == 1 ? ", above it " : ", then ") + process_text(chain[i].pid, chain[i].cmdline);
  out += "; the launched process";
  for (auto& a : run.agents)
    if (a.pid) out += " of " + a.node + " is " + process_text(a.pid, join_args(a.argv));
  return out;
}

}  // namespace

void judge_process_tree(const std::any& spec, Judging& j) {
  const auto& want = std::any_cast<const TreeExpect&>(spec);
  const AgentRelation& rel = j.scenario.agent;
  std::map<std::string, int> per_agent;
  for (auto* e : j.started()) {
    auto chain = chain_of(*e, j.run);
    const AgentRecord* owner = owner_of(chain, rel, j.run);
    if (owner) ++per_agent[owner->node];
    if (want.workers_parent_is_agent && !owner) {
      j.fail("process tree",
             "every worker's parent is " + rel.describe() + " (the profile's \"agent\")",
             tree_text(*e, chain, j.run));
      break;
    }
  }
  for (auto& [node, n] : want.workers_per_agent)
    if (per_agent[node] != n)
      j.fail("process tree " + node,
             std::to_string(n) + " worker(s) started as children of " + rel.describe(),
             std::to_string(per_agent[node]));
}

}  // namespace launchcheck
