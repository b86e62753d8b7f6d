#include "json_report.h"

#include <algorithm>
#include <map>

namespace launchcheck {

Json json_report(const std::vector<ScenarioResult>& results, double seconds) {
  Json all = Json::array();
  std::map<std::string, int> n;  // only the statuses that occur, by name
  for (auto& r : results) {
    all.push_back(r.to_json());
    ++n[to_string(r.status)];
  }
  bool ok = std::all_of(results.begin(), results.end(), [](auto& r) { return r.ok(); });
  return {{"ok", ok}, {"seconds", seconds}, {"counts", n}, {"results", all}};
}

}  // namespace launchcheck
