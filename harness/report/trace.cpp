#include "trace.h"

#include <map>
#include <set>

#include "signals.h"

namespace {
constexpr int kRunnerPid = 0;
}

Json build_trace(const Scenario& s, const RunRecord& run) {
  Json events = Json::array();
  auto us = [&](int64_t ns) { return (ns - run.start_ns) / 1000.0; };
  int64_t end = run.end_ns;
  events.push_back({{"name", "process_name"},
                    {"ph", "M"},
                    {"pid", kRunnerPid},
                    {"args", {{"name", "launchcheck " + s.id}}}});
  std::map<int, std::string> agent_of_pid;
  for (auto& a : run.agents) {
    if (!a.pid) continue;
    agent_of_pid[a.pid] = a.node;
    events.push_back(
        {{"name", "process_name"},
         {"ph", "M"},
         {"pid", a.pid},
         {"args", {{"name", "agent " + a.node + " (pid " + std::to_string(a.pid) + ")"}}}});
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", a.pid},
                      {"tid", a.pid},
                      {"args", {{"name", "agent"}}}});
    int64_t a_end = a.end_ns ? a.end_ns : end;
    events.push_back({{"name", "agent " + a.node},
                      {"ph", "X"},
                      {"pid", a.pid},
                      {"tid", a.pid},
                      {"ts", us(a.start_ns)},
                      {"dur", (a_end - a.start_ns) / 1000.0},
                      {"args", {{"exit", describe_exit(a)}}}});
  }
  // Worker tracks: from the start event to the exit event (or the end).
  std::map<int, const WorkerEvent*> starts;
  std::set<int> seen_attempts;
  for (auto& e : run.events) {
    if (e.ev == "start") {
      starts[e.pid] = &e;
      int attempt = e.attempt.value_or(0);
      if (attempt > 0 && seen_attempts.insert(attempt).second)
        events.push_back({{"name", "restart " + std::to_string(attempt)},
                          {"ph", "i"},
                          {"s", "g"},
                          {"pid", kRunnerPid},
                          {"tid", 0},
                          {"ts", us(e.mono_ns)}});
      else
        seen_attempts.insert(attempt);
    }
  }
  std::map<int, int64_t> exits;
  std::map<int, std::string> exit_what;
  for (auto& e : run.events) {
    auto it = starts.find(e.pid);
    int track_pid = it != starts.end() ? it->second->ppid : kRunnerPid;
    if (e.ev == "exit") {
      exits[e.pid] = e.mono_ns;
      exit_what[e.pid] =
          e.code ? "exit code " + std::to_string(*e.code) : "killed itself by " + e.exit_signal;
    } else if (e.ev == "signal") {
      events.push_back({{"name", e.sig + " (" + e.action + ")"},
                        {"ph", "i"},
                        {"s", "t"},
                        {"pid", track_pid},
                        {"tid", e.pid},
                        {"ts", us(e.mono_ns)}});
    } else if (e.ev == "step") {
      events.push_back({{"name", "step " + e.step},
                        {"ph", "i"},
                        {"s", "t"},
                        {"pid", track_pid},
                        {"tid", e.pid},
                        {"ts", us(e.mono_ns)}});
    }
  }
  for (auto& [pid, e] : starts) {
    std::string name =
        (e->role == "grandchild" ? std::string("grandchild")
                                 : "rank " + (e->rank ? std::to_string(*e->rank) : "?")) +
        " attempt " + std::to_string(e->attempt.value_or(0));
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", e->ppid},
                      {"tid", pid},
                      {"args", {{"name", name + " (pid " + std::to_string(pid) + ")"}}}});
    int64_t stop = exits.count(pid) ? exits[pid] : end;
    std::string how = exit_what.count(pid) ? exit_what[pid] : "no exit event (killed by a signal?)";
    events.push_back({{"name", name},
                      {"ph", "X"},
                      {"pid", e->ppid},
                      {"tid", pid},
                      {"ts", us(e->mono_ns)},
                      {"dur", std::max<int64_t>(0, stop - e->mono_ns) / 1000.0},
                      {"args", {{"exit", how}}}});
  }
  for (auto& f : run.faults)
    events.push_back(
        {{"name", "fault: " + f.what},
         {"ph", "i"},
         {"s", "g"},
         {"pid", kRunnerPid},
         {"tid", 0},
         {"ts", us(f.at_ns)},
         {"args", {{"where", f.pointer}, {"outcome", f.outcome.empty() ? "done" : f.outcome}}}});
  return {{"traceEvents", events}, {"displayTimeUnit", "ms"}};
}
