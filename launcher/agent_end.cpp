// How a run ends: the failure summary and the rendezvous' close when the
// workers failed for good, refrun's own TORCHELASTIC_ERROR_FILE, the event
// log, and the last of the console output.
#include <unistd.h>

#include "agent.h"
#include "common/clock.h"
#include "error_record.h"
#include "event_log.h"
#include "launcher_error_file.h"
#include "py_json.h"
#include "worker_command.h"

namespace refrun {

void Agent::fail_job() {
  FailureReport report =
      report_failures(entrypoint_name(cfg_.launch), failures_, local_hostname());
  for (const std::string& w : report.warnings) err_->write_line(w + "\n");
  err_->write_line(report.summary);
  std::string why = "its workers failed with no restarts left";
  if (report.root) {
    const WorkerFailure& f = failures_[*report.root];
    why += " (rank " + std::to_string(f.rank) + " exited with code " +
           std::to_string(f.exitcode) + ")";
  }
  report_ = std::move(report);
  // The job failed: the other agents are told and stop (no peer re-forms a
  // smaller world from a failure); exit once they were told.
  state_ = State::kClosing;
  rdzv_.close_failed(why, [this] {
    if (state_ == State::kClosing) finish(1);
  });
}

void Agent::write_launcher_error_file() {
  const std::string& path = cfg_.launcher_error_file;
  if (path.empty() || exit_code_ == 0) return;
  std::string content;
  if (agent_error_) {
    content = agent_error_record(agent_error_->type, agent_error_->what,
                                 "refrun: error: " + agent_error_->what + "\n",
                                 static_cast<long>(common::unix_seconds()));
  } else if (report_ && report_->root) {
    content = root_cause_record(report_->root_error, failures_[*report_->root].exitcode);
  }
  if (content.empty()) return;  // no record to copy: upstream writes nothing either
  std::string why = write_error_file(path, content);
  if (!why.empty()) say("warning: cannot write TORCHELASTIC_ERROR_FILE " + path + ": " + why);
}

void Agent::record_events() {
  if (cfg_.launch.event_log_handler != "console") return;
  EventContext c;
  c.run_id = cfg_.spec.run_id;
  c.group_rank = round_.group_rank;
  c.group_world_size = round_.group_world_size;
  c.role = cfg_.spec.role;
  c.hostname = local_hostname();
  c.rdzv_backend = cfg_.launch.standalone ? "c10d" : cfg_.launch.rdzv_backend;
  c.entry_point = entrypoint_name(cfg_.launch);
  c.total_run_time = std::chrono::duration_cast<std::chrono::seconds>(
                         common::EventLoop::Clock::now() - started_)
                         .count();
  c.agent_restarts = restarts_used_;
  auto now_ms = static_cast<long long>(common::unix_seconds() * 1000);
  // Worker events only when the run ended by the workers (upstream records
  // them after _invoke_run returns, not after an exception).
  if (!agent_error_) {
    for (const Worker& w : workers_) {
      WorkerStatus s{w.rank, w.local_rank, round_.world_size, w.pid, "TERMINATED", ""};
      for (const WorkerFailure& f : failures_) {
        if (f.rank != w.rank) continue;
        s.state = "FAILED";
        ErrorFile e = read_error_file(f.error_file);
        s.raw_error = e.status == ErrorFile::Status::kRecord ? python_json_dumps(e.record.data) : "{}";
      }
      if (s.state != "FAILED" && w.exited && w.exitcode == 0) s.state = "SUCCEEDED";
      err_->write_line(worker_status_event(c, s, now_ms));
    }
  }
  std::string raw = agent_error_ ? agent_error_->type + ": " + agent_error_->what : "";
  err_->write_line(agent_status_event(c, agent_error_ ? "FAILED" : "SUCCEEDED", raw, now_ms));
}

// The loop has stopped; what the consoles still queue goes out now, waiting
// at most a second for a console that takes nothing.
void Agent::flush_consoles() {
  out_->flush(1.0);
  err_->flush(1.0);
}

}  // namespace refrun
