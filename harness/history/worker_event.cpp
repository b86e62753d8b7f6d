#include "worker_event.h"

#include <nlohmann/json.hpp>

namespace launchcheck {

using Json = nlohmann::json;

namespace {

std::optional<int> opt_int(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

std::string opt_str(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

std::optional<WorkerEvent> parse_event_line(const std::string& line, std::string* error) {
  Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  WorkerEvent e;
  e.ev = opt_str(j, "ev");
  if (e.ev.empty()) {
    *error = "no \"ev\" field";
    return std::nullopt;
  }
  auto pid = opt_int(j, "pid");
  if (!pid) {
    *error = "no \"pid\" field";
    return std::nullopt;
  }
  e.pid = *pid;
  e.fixture = opt_str(j, "fixture");
  if (j.contains("mono_ns") && j["mono_ns"].is_number()) e.mono_ns = j["mono_ns"].get<int64_t>();
  e.rank = opt_int(j, "rank");
  e.local_rank = opt_int(j, "local_rank");
  e.attempt = opt_int(j, "attempt");
  e.node = opt_str(j, "node");
  e.ppid = opt_int(j, "ppid").value_or(0);
  e.pgid = opt_int(j, "pgid").value_or(0);
  e.role = opt_str(j, "role");
  if (j.contains("env") && j["env"].is_object())
    for (auto it = j["env"].begin(); it != j["env"].end(); ++it)
      if (it->is_string()) e.env[it.key()] = it->get<std::string>();
  if (j.contains("fds") && j["fds"].is_object()) {
    e.fds.emplace();
    for (auto it = j["fds"].begin(); it != j["fds"].end(); ++it)
      if (it->is_string()) (*e.fds)[it.key()] = it->get<std::string>();
  }
  e.step = opt_str(j, "step");
  e.sig = opt_str(j, "sig");
  e.action = opt_str(j, "action");
  e.child_pid = opt_int(j, "child_pid").value_or(0);
  e.code = opt_int(j, "code");
  e.exit_signal = opt_str(j, "signal");
  for (const char* k : {"result", "launched"})
    if (j.contains(k)) e.value = j[k].dump();
  return e;
}

}  // namespace launchcheck
