#include "result.h"

namespace launchcheck {

Json ScenarioResult::to_json() const {
  Json f = Json::array();
  for (auto& c : failures)
    f.push_back({{"check", c.check}, {"expected", c.expected}, {"actual", c.actual}});
  return {{"id", id},
          {"file", file},
          {"profile", profile},
          {"status", to_string(status)},
          {"reason", reason},
          {"seconds", seconds},
          {"launcher_seconds", launcher_seconds},
          {"failures", f},
          {"reproduce", reproduce},
          {"artifacts", artifacts},
          {"repeat", repeat_index}};
}

std::string ScenarioResult::to_text() const {
  return to_json().dump(-1, ' ', false, Json::error_handler_t::replace);
}

ScenarioResult ScenarioResult::from_json(const Json& j) {
  ScenarioResult r;
  r.id = j.value("id", "");
  r.file = j.value("file", "");
  r.profile = j.value("profile", "");
  r.status = status_from_string(j.value("status", "error")).value_or(Status::kError);
  r.reason = j.value("reason", "");
  r.seconds = j.value("seconds", 0.0);
  r.launcher_seconds = j.value("launcher_seconds", 0.0);
  for (auto& c : j.value("failures", Json::array()))
    r.failures.push_back({c.value("check", ""), c.value("expected", ""), c.value("actual", "")});
  r.reproduce = j.value("reproduce", std::vector<std::string>{});
  r.artifacts = j.value("artifacts", "");
  r.repeat_index = j.value("repeat", 0);
  return r;
}

}  // namespace launchcheck
