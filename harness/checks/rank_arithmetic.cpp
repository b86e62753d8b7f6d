// `rank_arithmetic`: RANK, GROUP_RANK, LOCAL_RANK and LOCAL_WORLD_SIZE agree
// in every worker, as torchrun assigns them.
#include <map>

#include "common/text.h"
#include "families.h"

namespace launchcheck {

namespace {

// -1 for a missing value or one that is no int (the launcher under test
// may set anything).
long env_number(const WorkerEvent* e, const char* k) {
  auto it = e->env.find(k);
  int v = 0;
  if (it == e->env.end() || !common::parse_int(it->second, v)) return -1;
  return v;
}

// Sizes are per round: attempt, world and master.
std::string round_of(const WorkerEvent* e) {
  auto get = [&](const char* k) {
    auto it = e->env.find(k);
    return it == e->env.end() ? std::string() : it->second;
  };
  return std::to_string(attempt_of(*e)) + "/" + get("WORLD_SIZE") + "/" + get("MASTER_ADDR") +
         ":" + get("MASTER_PORT");
}

}  // namespace

std::any parse_rank_arithmetic(const ExpectInput& in) {
  if (!in.expect.boolean(in.key).value_or(false)) return {};
  return true;
}

void judge_rank_arithmetic(const std::any&, Judging& j) {
  if (j.started().empty()) j.fail("rank arithmetic", "workers to look at", "no worker started");
  // Upstream: a node's ranks follow those of the lower node ranks (the sum
  // of their LOCAL_WORLD_SIZE), so nodes with different nproc still get
  // contiguous ranks.
  std::map<std::string, std::map<long, long>> node_sizes;  // round -> group rank -> lws
  for (auto* e : j.started())
    node_sizes[round_of(e)][env_number(e, "GROUP_RANK")] = env_number(e, "LOCAL_WORLD_SIZE");
  for (auto* e : j.started()) {
    long rank = env_number(e, "RANK"), group = env_number(e, "GROUP_RANK"),
         lws = env_number(e, "LOCAL_WORLD_SIZE"), lr = env_number(e, "LOCAL_RANK");
    // A lower node whose workers left no event is assumed to be this size.
    // Summed over the nodes seen, not counted up to GROUP_RANK, which may
    // be 2^31-1: every term fits an int, so the sum fits a long.
    long offset = 0, seen = 0;
    const auto& sizes = node_sizes[round_of(e)];
    for (auto it = sizes.begin(); it != sizes.end() && it->first < group; ++it) {
      if (it->first < 0) continue;
      ++seen;
      offset += it->second < 0 ? lws : it->second;
    }
    if (group > seen) offset += (group - seen) * lws;
    if (rank < 0 || group < 0 || lws < 0 || lr < 0 || lr >= lws || rank != offset + lr) {
      j.fail("rank arithmetic",
             "RANK = LOCAL_RANK + the LOCAL_WORLD_SIZEs of the lower GROUP_RANKs (" +
                 std::to_string(offset) + " + LOCAL_RANK)",
             "pid " + std::to_string(e->pid) + ": RANK=" + std::to_string(rank) +
                 " GROUP_RANK=" + std::to_string(group) +
                 " LOCAL_WORLD_SIZE=" + std::to_string(lws) + " LOCAL_RANK=" + std::to_string(lr));
      break;
    }
  }
}

}  // namespace launchcheck
