#include "result.h"

#include "utf8.h"

namespace launchcheck {

// Every string through escape_invalid_utf8: a launcher's bytes end up in
// failures, and nlohmann::json refuses to dump invalid UTF-8.
Json ScenarioResult::to_json() const {
  auto text = [](const std::string& s) { return escape_invalid_utf8(s); };
  Json f = Json::array();
  for (auto& c : failures)
    f.push_back(
        {{"check", text(c.check)}, {"expected", text(c.expected)}, {"actual", text(c.actual)}});
  Json rep = Json::array();
  for (auto& line : reproduce) rep.push_back(text(line));
  Json earlier = Json::array();
  for (auto& t : earlier_tries) earlier.push_back(t.to_json());
  return {{"id", text(id)},
          {"file", text(file)},
          {"profile", text(profile)},
          {"status", to_string(status)},
          {"reason", text(reason)},
          {"seconds", seconds},
          {"launcher_seconds", launcher_seconds},
          {"failures", f},
          {"reproduce", rep},
          {"artifacts", text(artifacts)},
          {"repeat", repeat_index},
          {"earlier_tries", earlier}};
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
  for (auto& t : j.value("earlier_tries", Json::array()))
    if (t.is_object()) r.earlier_tries.push_back(from_json(t));
  return r;
}

}  // namespace launchcheck
