#include "fault_scheduler.h"

namespace launchcheck {

FaultScheduler::FaultScheduler(const std::vector<ResolvedFault>& faults) : faults_(faults) {}

std::vector<size_t> FaultScheduler::fire_if(const std::function<bool(const Trigger&)>& pred) {
  std::vector<size_t> out;
  for (size_t i = 0; i < faults_.size(); ++i) {
    if (fired_.count(i) || !pred(faults_[i].when)) continue;
    fired_.insert(i);
    out.push_back(i);
  }
  return out;
}

std::vector<size_t> FaultScheduler::on_worker_event(const WorkerEvent& e) {
  if (e.ev != "start" || e.role == "grandchild") return {};
  int attempt = e.attempt.value_or(0);
  started_[attempt].insert(e.pid);
  auto ws = e.env.find("WORLD_SIZE");
  if (ws != e.env.end()) {
    try {
      world_size_[attempt] = std::stoi(ws->second);
    } catch (...) {
    }
  }
  return fire_if([&](const Trigger& t) {
    if (t.kind == Trigger::Kind::kRankStarted)
      return e.rank && *e.rank == t.rank && (t.attempt < 0 || t.attempt == attempt);
    if (t.kind == Trigger::Kind::kAttemptStarted) {
      auto w = world_size_.find(t.attempt);
      return t.attempt == attempt && w != world_size_.end() &&
             static_cast<int>(started_[attempt].size()) >= w->second;
    }
    return false;
  });
}

std::vector<size_t> FaultScheduler::on_output_line(const std::string& node,
                                                   const std::string& line) {
  return on_output(node, line, false);
}

std::vector<size_t> FaultScheduler::on_output_fragment(const std::string& node,
                                                       const std::string& fragment) {
  if (fragment.empty()) return {};
  return on_output(node, fragment, true);
}

std::vector<size_t> FaultScheduler::on_output(const std::string& node, const std::string& line,
                                              bool fragment) {
  std::vector<size_t> out;
  for (size_t i = 0; i < faults_.size(); ++i) {
    const Trigger& t = faults_[i].when;
    if (fired_.count(i) || t.kind != Trigger::Kind::kOutputMatches) continue;
    if (fragment && !t.partial) continue;
    if (!t.node.empty() && t.node != node) continue;
    if (!faults_[i].output_regex || !std::regex_search(line, *faults_[i].output_regex)) continue;
    fired_.insert(i);
    out.push_back(i);
  }
  return out;
}

std::vector<size_t> FaultScheduler::on_agent_exit(const std::string& node) {
  return fire_if(
      [&](const Trigger& t) { return t.kind == Trigger::Kind::kAgentExited && t.node == node; });
}

std::vector<std::pair<size_t, double>> FaultScheduler::timed() const {
  std::vector<std::pair<size_t, double>> out;
  for (size_t i = 0; i < faults_.size(); ++i)
    if (faults_[i].when.kind == Trigger::Kind::kAfter) out.emplace_back(i, faults_[i].when.seconds);
  return out;
}

bool FaultScheduler::pending() const {
  return fired_.size() < faults_.size();
}

}  // namespace launchcheck
