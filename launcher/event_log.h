// --event-log-handler: torchelastic's events (events/api.py Event) at the
// end of a run, as upstream's agent records them (SimpleElasticAgent
// _record_worker_events and launch_agent):
//  - one torchelastic.worker.status.<STATE> event per worker of the last
//    attempt, source WORKER, when the run ended by the workers' success or
//    failure: SUCCEEDED, FAILED (raw_error: its error record), or
//    TERMINATED (stopped by the agent);
//  - then one for the agent, source AGENT: SUCCEEDED when the agent ran to
//    its end (whatever the workers did), FAILED when the agent itself failed
//    (rendezvous, signal, ...; raw_error: refrun's line).
// Metadata keys are upstream's (run_id, global_rank, group_rank, worker_id,
// role, hostname, state, total_run_time, rdzv_backend, raw_error, metadata,
// agent_restarts). Upstream leaves `timestamp` 0; refrun writes the time in
// milliseconds. `console` writes each as one JSON line (json.dumps spacing)
// on stderr; `null` and `dynamic_rendezvous` write nothing (upstream: a
// NullHandler each).
#pragma once

#include <sys/types.h>

#include <string>

namespace refrun {

struct EventContext {
  std::string run_id;
  int group_rank = 0;
  int group_world_size = 1;
  std::string role;
  std::string hostname;
  std::string rdzv_backend;
  std::string entry_point;
  long total_run_time = 0;  // whole seconds
  int agent_restarts = 0;
};

struct WorkerStatus {
  int rank = 0;
  int local_rank = 0;
  int role_world_size = 1;
  pid_t pid = 0;
  std::string state;      // SUCCEEDED, FAILED, TERMINATED
  std::string raw_error;  // "" = null
};

// One line, newline included.
std::string worker_status_event(const EventContext& c, const WorkerStatus& w, long long ts_ms);
std::string agent_status_event(const EventContext& c, const std::string& state,
                               const std::string& raw_error, long long ts_ms);

}  // namespace refrun
