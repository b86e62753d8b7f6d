#include "option_table.h"

#include <stdexcept>

#include "common/text.h"
#include "option_values.h"

namespace refrun {

namespace {

// A flag's row: `member` set from flag_value().
OptionRow flag_row(const char* names, const char* pet, bool LaunchConfig::*member,
                   const char* help) {
  return {names,
          pet,
          true,
          nullptr,
          help,
          [member](LaunchConfig& c, const std::string&, const std::string& v) {
            c.*member = flag_value(v);
          }};
}

// --redirects and --tee: a StdSpec, or an error naming the option.
StdSpec std_spec(const std::string& option, const std::string& value) {
  try {
    return parse_std_spec(value);
  } catch (const std::invalid_argument& e) {
    bad_value(option, value, e.what());
  }
}

// One row per option, in --help order: a table, long by nature.
std::vector<OptionRow> make_table() {
  return {
      {"--nnodes", "PET_NNODES", false, "1:1", "Number of nodes, N or MIN:MAX",
       [](LaunchConfig& c, const std::string&, const std::string& v) {
         std::tie(c.min_nodes, c.max_nodes) = parse_nnodes(v);
       }},
      {"--nproc-per-node,--nproc_per_node", "PET_NPROC_PER_NODE", false, "1",
       "Workers per node: N, cpu, gpu, xpu or auto",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.nproc_per_node = non_empty(o, v, "Unsupported nproc_per_node value");
       }},
      {"--rdzv-backend,--rdzv_backend", "PET_RDZV_BACKEND", false, "static", "Rendezvous backend",
       [](LaunchConfig& c, const std::string&, const std::string& v) {
         c.rdzv_backend = common::trim(v);
       }},
      {"--rdzv-endpoint,--rdzv_endpoint", "PET_RDZV_ENDPOINT", false, nullptr,
       "Rendezvous endpoint host[:port]",
       [](LaunchConfig& c, const std::string&, const std::string& v) {
         c.rdzv_endpoint = common::trim(v);
       }},
      {"--rdzv-id,--rdzv_id", "PET_RDZV_ID", false, "none", "Job id",
       [](LaunchConfig& c, const std::string&, const std::string& v) {
         c.rdzv_id = common::trim(v);
       }},
      {"--rdzv-conf,--rdzv_conf", "PET_RDZV_CONF", false, nullptr,
       "Rendezvous configuration k=v,k=v",
       [](LaunchConfig& c, const std::string&, const std::string& v) {
         c.rdzv_conf = parse_rdzv_conf(v);
       }},
      flag_row("--standalone", "PET_STANDALONE", &LaunchConfig::standalone,
               "Single node: localhost, a free port, a random run id"),
      {"--max-restarts,--max_restarts", "PET_MAX_RESTARTS", false, "0",
       "Worker group restarts before failing",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.max_restarts = non_negative_int(o, v);
       }},
      {"--monitor-interval,--monitor_interval", "PET_MONITOR_INTERVAL", false, "0.1",
       "Accepted for compatibility; unused, refrun is event-driven",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.monitor_interval = non_negative_seconds(o, v);
         if (c.monitor_interval == 0) bad_value(o, v, "must be positive");
       }},
      {"--start-method,--start_method", "PET_START_METHOD", false, "spawn",
       "spawn, fork or forkserver (no effect on scripts)",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.start_method = common::trim(v);
         if (c.start_method != "spawn" && c.start_method != "fork" &&
             c.start_method != "forkserver")
           bad_value(o, v, "expected spawn, fork or forkserver");
       }},
      {"--role", "PET_ROLE", false, "default", "Worker role name",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.role = non_empty(o, v, "must not be empty");
       }},
      flag_row("-m,--module", "PET_MODULE", &LaunchConfig::module,
               "Run the script as python -m MODULE"),
      flag_row("--no-python,--no_python", "PET_NO_PYTHON", &LaunchConfig::no_python,
               "Exec the script directly, no interpreter"),
      flag_row("--run-path,--run_path", "PET_RUN_PATH", &LaunchConfig::run_path,
               "Run the script with runpy.run_path"),
      {"--log-dir,--log_dir", "PET_LOG_DIR", false, nullptr,
       "Base directory for logs and error files (default a temp dir)",
       [](LaunchConfig& c, const std::string&, const std::string& v) { c.log_dir = v; }},
      {"-r,--redirects", "PET_REDIRECTS", false, "0",
       "Redirect streams to files: 0-3 or LR:BITS,...",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.redirects = std_spec(o, v);
       }},
      {"-t,--tee", "PET_TEE", false, "0", "Redirect and copy to the console: 0-3 or LR:BITS,...",
       [](LaunchConfig& c, const std::string& o, const std::string& v) { c.tee = std_spec(o, v); }},
      {"--local-ranks-filter,--local_ranks_filter", "PET_LOCAL_RANKS_FILTER", false, nullptr,
       "Local ranks whose output reaches the console",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.local_ranks_filter = parse_local_ranks(o, v);
       }},
      {"--node-rank,--node_rank", "PET_NODE_RANK", false, "0",
       "Static rendezvous: this node's rank",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.node_rank = non_negative_int(o, v);
       }},
      {"--master-addr,--master_addr", "PET_MASTER_ADDR", false, "127.0.0.1",
       "Static rendezvous: rank 0's address",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.master_addr = non_empty(o, v, "must not be empty");
       }},
      {"--master-port,--master_port", "PET_MASTER_PORT", false, "29500",
       "Static rendezvous: rank 0's port",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.master_port = non_negative_int(o, v);
         if (c.master_port > 65535) bad_value(o, v, "not a TCP port (0-65535)");
       }},
      {"--local-addr,--local_addr", "PET_LOCAL_ADDR", false, nullptr,
       "Address this node advertises",
       [](LaunchConfig& c, const std::string&, const std::string& v) {
         c.local_addr = common::trim(v);
       }},
      {"--logs-specs,--logs_specs", "PET_LOGS_SPECS", false, "default",
       "Logs specs plugin (only 'default')",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.logs_specs = common::trim(v);
         if (c.logs_specs != "default")
           bad_value(o, v, "unknown logs specs (refrun knows only 'default')");
       }},
      {"--signals-to-handle,--signals_to_handle", "PET_SIGNALS_TO_HANDLE", false,
       "SIGTERM,SIGINT,SIGHUP,SIGQUIT", "Signals forwarded to workers",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         try {
           c.signals_to_handle = parse_signal_list(v);
         } catch (const std::invalid_argument& e) {
           bad_value(o, v, e.what());
         }
       }},
      flag_row("--virtual-local-rank,--virtual_local_rank", "PET_VIRTUAL_LOCAL_RANK",
               &LaunchConfig::virtual_local_rank,
               "Every worker sees LOCAL_RANK=0 and only its own CUDA device"),
      {"--stop-timeout,--stop_timeout", "PET_STOP_TIMEOUT", false, nullptr,
       "refrun only: seconds between SIGTERM and SIGKILL when stopping workers (default "
       "TORCH_ELASTIC_SHUTDOWN_TIMEOUT, else 30)",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.stop_timeout = non_negative_seconds(o, v);
       }},
      // Upstream's name for the same grace (an int there); after
      // --stop-timeout, so it wins when both are given.
      {"--shutdown-timeout,--shutdown_timeout", "PET_SHUTDOWN_TIMEOUT", false, nullptr,
       "Seconds between SIGTERM and SIGKILL when stopping workers (default "
       "TORCH_ELASTIC_SHUTDOWN_TIMEOUT, else 30)",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.stop_timeout = non_negative_int(o, v);
       }},
      {"--event-log-handler,--event_log_handler", "PET_EVENT_LOG_HANDLER", false, "null",
       "Where worker status events go: null, console (JSON lines on stderr) or "
       "dynamic_rendezvous",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.event_log_handler = one_of(o, v, {"null", "console", "dynamic_rendezvous"});
       }},
      // Upstream gives this option no PET_ variable.
      {"--numa-binding,--numa_binding", nullptr, false, nullptr,
       "Bind each worker to the NUMA node of its GPU: node, socket, exclusive or core-complex",
       [](LaunchConfig& c, const std::string& o, const std::string& v) {
         c.numa_binding = one_of(o, v, {"node", "socket", "exclusive", "core-complex"});
       }},
      {"--duplicate-stdout-filters,--duplicate_stdout_filters", "PET_DUPLICATE_STDOUT_FILTERS",
       false, nullptr,
       "Copy tee'd stdout lines containing any of these comma-separated strings (,, for a "
       "comma) to attempt_N/filtered_stdout.log",
       [](LaunchConfig& c, const std::string&, const std::string& v) {
         c.duplicate_stdout_filters = comma_separated_list(v);
       }},
      {"--duplicate-stderr-filters,--duplicate_stderr_filters", "PET_DUPLICATE_STDERR_FILTERS",
       false, nullptr, "The same for stderr, to attempt_N/filtered_stderr.log",
       [](LaunchConfig& c, const std::string&, const std::string& v) {
         c.duplicate_stderr_filters = comma_separated_list(v);
       }},
  };
}

}  // namespace

const std::vector<OptionRow>& option_table() {
  static const std::vector<OptionRow> table = make_table();
  return table;
}

std::vector<std::string> long_spellings(const OptionRow& row) {
  std::vector<std::string> out;
  for (const std::string& n : common::split(row.names, ','))
    if (n.rfind("--", 0) == 0) out.push_back(n);
  return out;
}

std::string long_name(const OptionRow& row) {
  return long_spellings(row).front();
}

std::string short_name(const OptionRow& row) {
  for (const std::string& n : common::split(row.names, ','))
    if (n.size() == 2 && n[0] == '-') return n;
  return "";
}

}  // namespace refrun
