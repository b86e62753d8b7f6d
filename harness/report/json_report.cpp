#include "json_report.h"

#include <algorithm>
#include <map>

#include "utf8.h"

namespace launchcheck {

Json json_report(const std::vector<ScenarioResult>& results, double seconds, const RunInfo& info) {
  Json all = Json::array();
  std::map<std::string, int> n;  // only the statuses that occur, by name
  for (auto& r : results) {
    all.push_back(r.to_json());
    ++n[to_string(r.status)];
  }
  bool ok = info.signal == 0 &&
            std::all_of(results.begin(), results.end(), [](auto& r) { return r.ok(); });
  Json run = {{"profile", escape_invalid_utf8(info.profile)},
              {"timestamp", info.timestamp},
              {"hostname", escape_invalid_utf8(info.hostname)},
              {"seed", info.seed.empty() ? Json(nullptr) : Json(info.seed)},
              {"interrupted_by_signal", info.signal},
              {"not_run", info.not_run}};
  return {{"format", kJsonReportFormat},
          {"ok", ok},
          {"seconds", seconds},
          {"run", run},
          {"counts", n},
          {"results", all}};
}

}  // namespace launchcheck
