#include "event_log.h"

#include "py_json.h"

namespace refrun {

using nlohmann::ordered_json;

namespace {

ordered_json null_or(const std::string& s) {
  return s.empty() ? ordered_json(nullptr) : ordered_json(s);
}

std::string event_line(const std::string& state, const char* source, const ordered_json& metadata,
                       long long ts_ms) {
  ordered_json e;
  e["name"] = "torchelastic.worker.status." + state;
  e["source"] = source;
  e["timestamp"] = ts_ms;
  e["metadata"] = metadata;
  return python_json_dumps(e) + "\n";
}

// The metadata of _construct_event; `w` null for the agent's event.
ordered_json metadata(const EventContext& c, const WorkerStatus* w, const std::string& state,
                      const std::string& raw_error) {
  ordered_json md;
  md["group_world_size"] = c.group_world_size;
  md["entry_point"] = c.entry_point;
  if (w) {
    // Upstream's (x,) tuples: one-element lists.
    md["local_rank"] = ordered_json::array({w->local_rank});
    md["role_rank"] = ordered_json::array({w->rank});
    md["role_world_size"] = ordered_json::array({w->role_world_size});
  }
  ordered_json m;
  m["run_id"] = c.run_id;
  m["global_rank"] = w ? ordered_json(w->rank) : ordered_json(nullptr);
  m["group_rank"] = c.group_rank;
  m["worker_id"] = w ? ordered_json(std::to_string(w->pid)) : ordered_json(nullptr);
  m["role"] = c.role;
  m["hostname"] = c.hostname;
  m["state"] = state;
  m["total_run_time"] = c.total_run_time;
  m["rdzv_backend"] = c.rdzv_backend;
  m["raw_error"] = null_or(raw_error);
  m["metadata"] = python_json_dumps(md);
  m["agent_restarts"] = c.agent_restarts;
  return m;
}

}  // namespace

std::string worker_status_event(const EventContext& c, const WorkerStatus& w, long long ts_ms) {
  return event_line(w.state, "WORKER", metadata(c, &w, w.state, w.raw_error), ts_ms);
}

std::string agent_status_event(const EventContext& c, const std::string& state,
                               const std::string& raw_error, long long ts_ms) {
  return event_line(state, "AGENT", metadata(c, nullptr, state, raw_error), ts_ms);
}

}  // namespace refrun
