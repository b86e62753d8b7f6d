#include "run_record.h"

#include "common/signal_names.h"

namespace launchcheck {

std::string describe_exit(const AgentRecord& a) {
  if (!a.exec_error.empty()) return "not started: " + a.exec_error;
  if (!a.started) return "never started";
  if (!a.exited) return "still running";
  if (a.signo) return "killed by " + common::signal_name(a.signo);
  return "exit code " + std::to_string(a.exit_code);
}

}  // namespace launchcheck
