#include "trace.h"

#include <map>
#include <set>

namespace launchcheck {

namespace {

constexpr int kRunnerPid = 0;

// Builds the trace's events in order: the runner, the agents, restarts,
// workers' signals and steps, workers' tracks, faults.
class TraceBuilder {
 public:
  explicit TraceBuilder(const RunRecord& run) : run_(run) {}

  Json build(const std::string& scenario_id) {
    events_.push_back({{"name", "process_name"},
                       {"ph", "M"},
                       {"pid", kRunnerPid},
                       {"args", {{"name", "launchcheck " + scenario_id}}}});
    for (auto& a : run_.agents)
      if (a.pid) add_agent(a);
    add_restarts();
    add_worker_instants();
    for (auto& [pid, e] : starts_) add_worker_track(pid, *e);
    for (auto& f : run_.faults)
      events_.push_back(
          {{"name", "fault: " + f.what},
           {"ph", "i"},
           {"s", "g"},
           {"pid", kRunnerPid},
           {"tid", 0},
           {"ts", us(f.at_ns)},
           {"args", {{"where", f.pointer}, {"outcome", f.outcome.empty() ? "done" : f.outcome}}}});
    return {{"traceEvents", events_}, {"displayTimeUnit", "ms"}};
  }

 private:
  const RunRecord& run_;
  Json events_ = Json::array();
  std::map<int, const WorkerEvent*> starts_;  // pid -> its start event
  std::map<int, int64_t> exits_;              // pid -> its exit event's time
  std::map<int, std::string> exit_what_;

  double us(int64_t ns) const { return (ns - run_.start_ns) / 1000.0; }

  void add_agent(const AgentRecord& a) {
    events_.push_back(
        {{"name", "process_name"},
         {"ph", "M"},
         {"pid", a.pid},
         {"args", {{"name", "agent " + a.node + " (pid " + std::to_string(a.pid) + ")"}}}});
    events_.push_back({{"name", "thread_name"},
                       {"ph", "M"},
                       {"pid", a.pid},
                       {"tid", a.pid},
                       {"args", {{"name", "agent"}}}});
    int64_t a_end = a.end_ns ? a.end_ns : run_.end_ns;
    events_.push_back({{"name", "agent " + a.node},
                       {"ph", "X"},
                       {"pid", a.pid},
                       {"tid", a.pid},
                       {"ts", us(a.start_ns)},
                       {"dur", (a_end - a.start_ns) / 1000.0},
                       {"args", {{"exit", describe_exit(a)}}}});
  }

  // Notes every start; the first start of attempt N > 0 marks restart N.
  void add_restarts() {
    std::set<int> seen_attempts;
    for (auto& e : run_.events) {
      if (e.ev != "start") continue;
      starts_[e.pid] = &e;
      int attempt = e.attempt.value_or(0);
      if (seen_attempts.insert(attempt).second && attempt > 0)
        events_.push_back({{"name", "restart " + std::to_string(attempt)},
                           {"ph", "i"},
                           {"s", "g"},
                           {"pid", kRunnerPid},
                           {"tid", 0},
                           {"ts", us(e.mono_ns)}});
    }
  }

  // Signals and steps on their worker's track; notes exits for the tracks.
  void add_worker_instants() {
    for (auto& e : run_.events) {
      auto it = starts_.find(e.pid);
      int track_pid = it != starts_.end() ? it->second->ppid : kRunnerPid;
      if (e.ev == "exit") {
        exits_[e.pid] = e.mono_ns;
        exit_what_[e.pid] =
            e.code ? "exit code " + std::to_string(*e.code) : "killed itself by " + e.exit_signal;
      } else if (e.ev == "signal" || e.ev == "step") {
        events_.push_back(
            {{"name", e.ev == "signal" ? e.sig + " (" + e.action + ")" : "step " + e.step},
             {"ph", "i"},
             {"s", "t"},
             {"pid", track_pid},
             {"tid", e.pid},
             {"ts", us(e.mono_ns)}});
      }
    }
  }

  // A worker's track: from its start event to its exit event (or the end).
  void add_worker_track(int pid, const WorkerEvent& e) {
    std::string name =
        (e.role == "grandchild" ? std::string("grandchild")
                                : "rank " + (e.rank ? std::to_string(*e.rank) : "?")) +
        " attempt " + std::to_string(e.attempt.value_or(0));
    events_.push_back({{"name", "thread_name"},
                       {"ph", "M"},
                       {"pid", e.ppid},
                       {"tid", pid},
                       {"args", {{"name", name + " (pid " + std::to_string(pid) + ")"}}}});
    int64_t stop = exits_.count(pid) ? exits_[pid] : run_.end_ns;
    std::string how =
        exit_what_.count(pid) ? exit_what_[pid] : "no exit event (killed by a signal?)";
    events_.push_back({{"name", name},
                       {"ph", "X"},
                       {"pid", e.ppid},
                       {"tid", pid},
                       {"ts", us(e.mono_ns)},
                       {"dur", std::max<int64_t>(0, stop - e.mono_ns) / 1000.0},
                       {"args", {{"exit", how}}}});
  }
};

}  // namespace

Json build_trace(const std::string& scenario_id, const RunRecord& run) {
  return TraceBuilder(run).build(scenario_id);
}

}  // namespace launchcheck
