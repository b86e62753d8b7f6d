#include "run_summary.h"

#include <algorithm>
#include <map>

#include "console_report.h"

namespace launchcheck {

std::string failed_list(const std::vector<ScenarioResult>& results) {
  std::string out;
  for (auto& r : results) {
    if (r.ok()) continue;
    out += "  " + console_line(r) + "\n";
    for (auto& line : r.reproduce) out += "      " + line + "\n";
  }
  return out.empty() ? "" : "Failed:\n" + out;
}

std::string passed_on_retry_list(const std::vector<ScenarioResult>& results) {
  std::string out;
  for (auto& r : results)
    if (r.ok() && !r.earlier_tries.empty()) out += "  " + console_line(r) + "\n";
  return out.empty() ? ""
                     : "Passed only on retry (the profile's retries; each failed try is shown "
                       "above, its artifacts kept):\n" + out;
}

std::string slowest(const std::vector<ScenarioResult>& results, size_t n) {
  std::vector<const ScenarioResult*> sorted;
  for (auto& r : results) sorted.push_back(&r);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](auto* a, auto* b) { return a->seconds > b->seconds; });
  if (n == 0 || sorted.empty()) return "";
  std::string out = "Slowest " + std::to_string(std::min(n, sorted.size())) + ":\n";
  for (size_t i = 0; i < n && i < sorted.size(); ++i)
    out += "  " + seconds_text(sorted[i]->seconds) + "  " + display_id(*sorted[i]) + "\n";
  return out;
}

std::string flaky_table(const std::vector<ScenarioResult>& results) {
  std::map<std::string, std::map<std::string, int>> outcomes;  // id -> status -> count
  std::vector<std::string> order;
  for (auto& r : results) {
    if (!outcomes.count(r.id)) order.push_back(r.id);
    ++outcomes[r.id][to_string(r.status)];
  }
  std::string out;
  for (auto& id : order) {
    auto& by_status = outcomes[id];
    if (by_status.size() < 2) continue;
    std::string counts;
    for (auto& [status, count] : by_status)
      counts += (counts.empty() ? "" : ", ") + std::to_string(count) + " " + status;
    out += "  " + id + "  " + counts + "\n";
  }
  return out.empty() ? "" : "Flaky (outcome changed between repeats):\n" + out;
}

}  // namespace launchcheck
