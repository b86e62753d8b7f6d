// What the agent is told to run: the launch options, the worker group, the
// program, the environment and where things go. Made by prepare_launch()
// (launch_setup.h) and main.cpp.
#pragma once

#include <sys/resource.h>

#include <optional>
#include <string>

#include "options.h"
#include "worker_env.h"

namespace refrun {

struct AgentConfig {
  LaunchConfig launch;          // stop_timeout resolved
  WorkerGroupSpec spec;
  std::string program;          // what each worker execs (interpreter or script)
  Environment base_env;         // refrun's environment plus defaults
  std::string run_log_dir;      // <log_dir>/<run_id>_XXXXXXXX
  std::string prefix_template;  // TORCHELASTIC_LOG_LINE_PREFIX_TEMPLATE
  bool omp_defaulted = false;   // OMP_NUM_THREADS=1 was added to base_env
  // refrun's own TORCHELASTIC_ERROR_FILE ("" none): launcher_error_file.h.
  std::string launcher_error_file;
  int signal_fd = -1;  // signalfd for launch.signals_to_handle; -1 none
  int console_out = 1;
  int console_err = 2;
  // refrun is a child subreaper (common/subreaper.h): kill what the workers left
  // behind outside their groups when the group stops. Off in unit tests,
  // whose process has children of its own.
  bool kill_orphans = false;
  // RLIMIT_NOFILE for workers: the limit refrun had before raising its own.
  std::optional<rlimit> worker_nofile;
};

}  // namespace refrun
