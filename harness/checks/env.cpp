// `env` and `world_size`: the variables each worker saw (from its start
// event), per rank, node or the final (succeeded) world.
#include <map>
#include <set>

#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct EnvExpect {
  std::string var;
  std::optional<std::string> equals;  // substituted
  std::optional<std::string> regex;   // as written, for messages
  std::optional<std::regex> re;       // compiled
  std::optional<bool> present;
  bool same_across_ranks = false;
  // One value per node, and no two nodes alike (e.g. each job's own run id).
  bool distinct_per_node = false;
  std::optional<int> rank;  // only this rank's workers
  std::string node;         // only the workers of this node ("" = all)
  bool succeeded = false;   // only the workers that exited 0 (the final world)
};
using EnvExpects = std::vector<EnvExpect>;

EnvExpect parse_one(const ExpectInput& in, const Json& a, const std::string& p) {
  ObjectReader er(a, p);
  EnvExpect ee;
  ee.var = er.required_string("var");
  ee.equals = er.string("equals");
  if (ee.equals) ee.equals = in.text(*ee.equals, er.pointer("equals"));
  ee.regex = er.string("regex");
  if (ee.regex) ee.re = in.regex(*ee.regex, er.pointer("regex"));
  ee.present = er.boolean("present");
  ee.same_across_ranks = er.boolean("same_across_ranks").value_or(false);
  ee.distinct_per_node = er.boolean("distinct_per_node").value_or(false);
  if (auto rk = er.integer("rank")) ee.rank = static_cast<int>(*rk);
  ee.node = er.string("node").value_or("");
  ee.succeeded = er.boolean("succeeded").value_or(false);
  if (!ee.equals && !ee.regex && !ee.present && !ee.same_across_ranks && !ee.distinct_per_node)
    field_error(p,
                "give at least one of equals, regex, present, same_across_ranks, "
                "distinct_per_node");
  er.finish();
  return ee;
}

std::string check_name(const EnvExpect& ee) {
  return "env " + ee.var + (ee.rank ? " (rank " + std::to_string(*ee.rank) + ")" : "") +
         (ee.node.empty() ? "" : " (node " + ee.node + ")") + (ee.succeeded ? " (succeeded)" : "");
}

void judge_distinct_per_node(const EnvExpect& ee, const std::string& check, Judging& j) {
  std::map<std::string, std::set<std::string>> by_node;
  for (auto* e : j.started()) {
    auto it = e->env.find(ee.var);
    by_node[e->node].insert(it == e->env.end() ? "<unset>" : it->second);
  }
  std::map<std::string, std::string> owner;  // value -> node
  for (auto& [node, values] : by_node) {
    std::string all;
    for (auto& v : values) all += (all.empty() ? "" : ", ") + v;
    if (values.size() != 1) {
      j.fail(check, "one value per node", "node " + node + ": " + all);
      return;
    }
    auto [it, fresh] = owner.emplace(*values.begin(), node);
    if (!fresh) {
      j.fail(check, "a different value on every node",
             "nodes " + it->second + " and " + node + ": " + *values.begin());
      return;
    }
  }
}

// One expectation over the workers it selects; the first mismatch fails it.
void judge_one(const EnvExpect& ee, const std::set<int>& succeeded_pids, Judging& j) {
  std::string check = check_name(ee);
  std::set<std::string> values;
  int considered = 0;
  for (auto* e : j.started()) {
    if (ee.rank && e->rank != ee.rank) continue;
    if (!ee.node.empty() && e->node != ee.node) continue;
    if (ee.succeeded && !succeeded_pids.count(e->pid)) continue;
    ++considered;
    auto it = e->env.find(ee.var);
    bool present = it != e->env.end();
    std::string who = "rank " + (e->rank ? std::to_string(*e->rank) : "?") + " (pid " +
                      std::to_string(e->pid) + ")";
    std::string seen = present ? "\"" + it->second + "\"" : "unset";
    values.insert(present ? it->second : "<unset>");
    if (ee.present && *ee.present != present) {
      j.fail(check, *ee.present ? "set" : "unset",
             who + (present ? " has " + ee.var + "=" + it->second : " has it unset"));
      break;
    }
    if (ee.equals && (!present || it->second != *ee.equals)) {
      j.fail(check, "\"" + *ee.equals + "\"", who + ": " + seen);
      break;
    }
    if (ee.re && (!present || !std::regex_match(it->second, *ee.re))) {
      j.fail(check, "matches /" + *ee.regex + "/", who + ": " + seen);
      break;
    }
  }
  if (considered == 0) j.fail(check, "at least one worker to look at", "no worker started");
  if (ee.same_across_ranks && values.size() > 1) {
    std::string all;
    for (auto& v : values) all += (all.empty() ? "" : ", ") + v;
    j.fail(check, "the same value in every worker", "values: " + all);
  }
  if (ee.distinct_per_node) judge_distinct_per_node(ee, check, j);
}

}  // namespace

std::any parse_env(const ExpectInput& in) {
  return parse_items<EnvExpect>(in, parse_one);
}

void judge_env(const std::any& spec, Judging& j) {
  // Workers that exited 0: the `succeeded` filter looks only at them.
  std::set<int> succeeded_pids;
  for (auto& e : j.run.events)
    if (e.ev == "exit" && e.code && *e.code == 0 && e.exit_signal.empty())
      succeeded_pids.insert(e.pid);
  for (auto& ee : std::any_cast<const EnvExpects&>(spec)) judge_one(ee, succeeded_pids, j);
}

std::any parse_world_size(const ExpectInput& in) {
  auto n = in.expect.integer(in.key);
  if (!n) return {};
  return static_cast<int>(*n);
}

void judge_world_size(const std::any& spec, Judging& j) {
  int want = std::any_cast<int>(spec);
  std::set<std::string> seen;
  for (auto* e : j.started()) {
    auto it = e->env.find("WORLD_SIZE");
    seen.insert(it == e->env.end() ? "<unset>" : it->second);
  }
  std::string actual;
  for (auto& v : seen) actual += (actual.empty() ? "" : ", ") + v;
  if (seen.size() != 1 || *seen.begin() != std::to_string(want))
    j.fail("world size", "WORLD_SIZE=" + std::to_string(want) + " in every worker",
           j.started().empty() ? "no worker started" : "WORLD_SIZE seen: " + actual);
}

}  // namespace launchcheck
