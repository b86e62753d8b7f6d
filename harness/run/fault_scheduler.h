// The generator: decides when each fault's trigger has fired, from what the
// runner observes (worker events, console lines, agents' exits). Pure
// bookkeeping (no processes, no clocks) so it is unit-tested alone; the
// executor applies the actions through the nemesis (nemesis.h). Regexes come
// compiled from the ResolvedScenario.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "resolved_scenario.h"
#include "worker_event.h"

namespace launchcheck {

class FaultScheduler {
 public:
  explicit FaultScheduler(const std::vector<ResolvedFault>& faults);

  // Indices of faults whose trigger fires now. Each fires at most once.
  std::vector<size_t> on_worker_event(const WorkerEvent& e);
  std::vector<size_t> on_output_line(const std::string& node, const std::string& line);
  // The console's unterminated last line, as it grows: only output_matches
  // triggers with "partial" look at it (a progress bar without a newline).
  std::vector<size_t> on_output_fragment(const std::string& node, const std::string& fragment);
  std::vector<size_t> on_agent_exit(const std::string& node);
  // Time triggers: (index, seconds after the run started).
  std::vector<std::pair<size_t, double>> timed() const;
  void mark_fired(size_t index) { fired_.insert(index); }
  bool pending() const;  // some trigger has not fired yet

 private:
  const std::vector<ResolvedFault>& faults_;
  std::set<size_t> fired_;
  // attempt -> pids started, and the WORLD_SIZE those workers reported
  std::map<int, std::set<int>> started_;
  std::map<int, int> world_size_;

  std::vector<size_t> fire_if(const std::function<bool(const Trigger&)>& pred);
  std::vector<size_t> on_output(const std::string& node, const std::string& text, bool fragment);
};

}  // namespace launchcheck
