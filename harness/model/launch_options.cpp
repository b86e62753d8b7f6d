#include "launch_options.h"

namespace launchcheck {

const std::map<std::string, bool>& known_launch_options() {
  static const std::map<std::string, bool> options = {
      {"nnodes", false},
      {"nproc_per_node", false},
      {"rdzv_backend", false},
      {"rdzv_endpoint", false},
      {"rdzv_id", false},
      {"rdzv_conf", false},
      {"standalone", true},
      {"max_restarts", false},
      {"monitor_interval", false},
      {"start_method", false},
      {"role", false},
      {"module", true},
      {"no_python", true},
      {"run_path", true},
      {"log_dir", false},
      {"redirects", false},
      {"tee", false},
      {"local_ranks_filter", false},
      {"node_rank", false},
      {"master_addr", false},
      {"master_port", false},
      {"local_addr", false},
      {"logs_specs", false},
      {"signals_to_handle", false},
      {"virtual_local_rank", true},
      {"event_log_handler", false},
      {"numa_binding", false},
      {"duplicate_stdout_filters", false},
      {"duplicate_stderr_filters", false},
      {"shutdown_timeout", false},
  };
  return options;
}

}  // namespace launchcheck
