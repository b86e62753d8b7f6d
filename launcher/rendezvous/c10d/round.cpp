#include "rendezvous/c10d/round.h"

#include <algorithm>
#include <climits>

#include "input_limits.h"

namespace refrun {

RoundStateMachine::RoundStateMachine(std::string run_id, int min_nodes, int max_nodes,
                                     Duration last_call, RoundSink& sink)
    : run_id_(std::move(run_id)),
      min_(min_nodes),
      max_(max_nodes),
      last_call_(last_call),
      sink_(sink) {}

bool RoundStateMachine::has_node(const std::string& node) const {
  for (auto& j : joining_)
    if (j.node.id == node) return true;
  for (auto& m : members_)
    if (m.id == node) return true;
  return false;
}

int RoundStateMachine::running_members() const {
  int n = 0;
  for (auto& m : members_) n += m.status == Status::kRunning;
  return n;
}

std::string RoundStateMachine::join(const RoundNode& node, int min_nodes, int max_nodes,
                                    Duration join_timeout, TimePoint now) {
  if (min_nodes != min_ || max_nodes != max_)
    return "--nnodes=" + std::to_string(min_nodes) + ":" + std::to_string(max_nodes) +
           " does not match the " + std::to_string(min_) + ":" + std::to_string(max_) +
           " of the agents already in rendezvous '" + run_id_ + "'";
  if (node.nproc < 1 || node.nproc > kMaxNprocPerNode)
    return "nproc " + std::to_string(node.nproc) + " is not from 1 to " +
           std::to_string(kMaxNprocPerNode);
  int prev_rank = INT_MAX;
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->id != node.id) continue;
    prev_rank = it->rank;
    members_.erase(it);
    break;
  }
  check_barrier();
  joining_.erase(std::remove_if(joining_.begin(), joining_.end(),
                                [&](const Joiner& j) { return j.node.id == node.id; }),
                 joining_.end());
  joining_.push_back({node, next_seq_++, prev_rank, now + join_timeout});
  // A full running round is not disturbed: the newcomer waits for a slot.
  if (running_members() + static_cast<int>(joining_.size()) - 1 < max_ || prev_rank != INT_MAX)
    notify_running(node.id);
  check_complete(now);
  return "";
}

void RoundStateMachine::remove(const std::string& node, TimePoint now) {
  joining_.erase(std::remove_if(joining_.begin(), joining_.end(),
                                [&](const Joiner& j) { return j.node.id == node; }),
                 joining_.end());
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->id != node) continue;
    bool was_running = it->status == Status::kRunning;
    members_.erase(it);
    if (was_running) notify_running("");
    break;
  }
  check_barrier();
  check_complete(now);
}

void RoundStateMachine::barrier(const std::string& node, int round, TimePoint now) {
  bool member = false;
  for (auto& m : members_) {
    if (m.id != node || round != completed_rounds_ - 1) continue;
    m.status = Status::kBarrier;
    member = true;
  }
  // A node whose round has already been replaced (it finished while being
  // told to rejoin) has nobody left to wait for.
  if (!member) sink_.barrier_done(node);
  check_barrier();
  // Members leaving the running state may let waiting agents start a round.
  check_complete(now);
}

void RoundStateMachine::check_barrier() {
  if (members_.empty()) return;
  for (auto& m : members_)
    if (m.status == Status::kRunning) return;
  for (auto& m : members_) {
    if (m.status != Status::kBarrier) continue;
    m.status = Status::kFinished;
    sink_.barrier_done(m.id);
  }
}

void RoundStateMachine::notify_running(const std::string& except) {
  for (auto& m : members_) {
    if (m.status != Status::kRunning || m.notified || m.id == except) continue;
    m.notified = true;
    sink_.membership_change(m.id);
  }
}

void RoundStateMachine::tick(TimePoint now) {
  for (size_t i = 0; i < joining_.size();) {
    if (joining_[i].deadline > now) {
      ++i;
      continue;
    }
    std::string id = joining_[i].node.id;
    joining_.erase(joining_.begin() + static_cast<long>(i));
    sink_.join_failed(id, "rendezvous '" + run_id_ + "' timed out (join_timeout) with " +
                              std::to_string(joining_.size() + 1) + " of the " +
                              std::to_string(min_) + " agents it needs (--nnodes=" +
                              std::to_string(min_) + ":" + std::to_string(max_) + ")");
  }
  check_complete(now);
}

std::optional<RoundStateMachine::TimePoint> RoundStateMachine::next_deadline() const {
  std::optional<TimePoint> next = last_call_deadline_;
  for (auto& j : joining_)
    if (!next || j.deadline < *next) next = j.deadline;
  return next;
}

void RoundStateMachine::check_complete(TimePoint now) {
  int n = static_cast<int>(joining_.size());
  // No new round while members of the last one still run their workers:
  // they have been told to rejoin, or the round is full and the newcomers
  // wait for a slot. A round beside them would be a second job under the
  // same run id (split brain).
  if (n < min_ || running_members() > 0) {
    last_call_deadline_.reset();
    return;
  }
  if (!last_call_deadline_) last_call_deadline_ = now + last_call_;
  bool done = n >= max_ || now >= *last_call_deadline_ || completed_rounds_ > 0;
  if (done) complete();
}

void RoundStateMachine::complete() {
  // Previous members keep their order (stable node ranks), newcomers follow
  // in arrival order; beyond MAX they wait for the next round.
  std::stable_sort(joining_.begin(), joining_.end(), [](const Joiner& a, const Joiner& b) {
    return a.prev_rank != b.prev_rank ? a.prev_rank < b.prev_rank : a.seq < b.seq;
  });
  // Past kMaxWorldSize workers they wait too, so WORLD_SIZE stays an int.
  size_t n = 0;
  long long world = 0;
  while (n < joining_.size() && n < static_cast<size_t>(max_) &&
         world + joining_[n].node.nproc <= kMaxWorldSize)
    world += joining_[n++].node.nproc;
  RoundAssignment a;
  a.round = completed_rounds_++;
  a.group_world_size = static_cast<int>(n);
  a.world_size = static_cast<int>(world);
  for (size_t i = 0; i < n; ++i)
    a.restart_count = std::max(a.restart_count, joining_[i].node.restart_count);
  std::vector<Joiner> round(joining_.begin(), joining_.begin() + static_cast<long>(n));
  joining_.erase(joining_.begin(), joining_.begin() + static_cast<long>(n));
  last_call_deadline_.reset();
  // No member of the old round is running (check_complete): those at the
  // barrier are released, those that never rejoined are left out.
  for (auto& m : members_)
    if (m.status == Status::kBarrier) sink_.barrier_done(m.id);
  members_.clear();
  for (size_t i = 0; i < n; ++i)
    members_.push_back({round[i].node.id, static_cast<int>(i), Status::kRunning, false});
  for (size_t i = 0; i < n; ++i) {
    a.group_rank = static_cast<int>(i);
    sink_.round_complete(round[i].node.id, a);
    a.rank_offset += round[i].node.nproc;
  }
}

}  // namespace refrun
