// `process_tree`: every worker is a child of an agent (the launcher process),
// and how many each agent started.
#include <map>

#include "families.h"

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

void judge_process_tree(const std::any& spec, Judging& j) {
  const auto& want = std::any_cast<const TreeExpect&>(spec);
  std::map<std::string, int> per_agent;
  for (auto* e : j.started()) {
    const AgentRecord* owner = nullptr;
    for (auto& a : j.run.agents)
      if (a.pid && a.pid == e->ppid) owner = &a;
    if (owner) ++per_agent[owner->node];
    if (want.workers_parent_is_agent && !owner) {
      j.fail("process tree", "every worker's parent is an agent",
             "rank " + (e->rank ? std::to_string(*e->rank) : "?") + " (pid " +
                 std::to_string(e->pid) + ") has parent " + std::to_string(e->ppid));
      break;
    }
  }
  for (auto& [node, n] : want.workers_per_agent)
    if (per_agent[node] != n)
      j.fail("process tree " + node, std::to_string(n) + " worker(s) started as its children",
             std::to_string(per_agent[node]));
}

}  // namespace launchcheck
