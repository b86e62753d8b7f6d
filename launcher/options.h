// The command line of refrun: torchrun's options parsed into a plain struct,
// validated before anything starts. Bad input is a UsageError whose message is
// the one line refrun prints after "refrun: error: ". The options themselves
// (spellings, PET_ names, defaults, parsers, help) are the rows of
// option_table.cpp; their value parsers are in option_values.*.
#pragma once

#include <csignal>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/environment.h"
#include "std_streams.h"

namespace refrun {

// refrun's environment and each worker's: name -> value.
using Environment = common::Environment;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The command line is fine, but the job cannot run here (e.g. --numa-binding
// without a GPU per worker): one line, exit 1 (upstream fails the agent),
// nothing started.
struct LaunchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Member defaults equal option_table()'s (a test holds them together), so a
// LaunchConfig{} is what an empty command line gives.
struct LaunchConfig {
  int min_nodes = 1;
  int max_nodes = 1;
  std::string nproc_per_node = "1";  // resolved later by resolve_nproc()
  std::string rdzv_backend = "static";
  std::string rdzv_endpoint;
  std::string rdzv_id = "none";
  std::map<std::string, std::string> rdzv_conf;
  bool standalone = false;
  int max_restarts = 0;
  double monitor_interval = 0.1;  // accepted and validated; refrun is event-driven
  std::string start_method = "spawn";
  std::string role = "default";
  bool module = false;
  bool no_python = false;
  bool run_path = false;
  std::string log_dir;  // empty: a fresh temp dir
  StdSpec redirects;
  StdSpec tee;
  std::set<int> local_ranks_filter;  // empty: every local rank
  int node_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string local_addr;
  std::string logs_specs = "default";
  std::vector<int> signals_to_handle{SIGTERM, SIGINT, SIGHUP, SIGQUIT};
  bool virtual_local_rank = false;
  // Seconds between SIGTERM and SIGKILL (--shutdown-timeout, refrun's
  // --stop-timeout); unset: TORCH_ELASTIC_SHUTDOWN_TIMEOUT or 30, resolved
  // by prepare_launch().
  std::optional<double> stop_timeout;
  std::string event_log_handler = "null";  // null, console, dynamic_rendezvous
  std::string numa_binding;                // "": none; node, socket, exclusive, core-complex
  // --duplicate-std{out,err}-filters: substrings; empty: no filtered file.
  std::vector<std::string> duplicate_stdout_filters;
  std::vector<std::string> duplicate_stderr_filters;
  std::string script;
  std::vector<std::string> script_args;
  friend bool operator==(const LaunchConfig&, const LaunchConfig&) = default;
};

struct ParsedCommandLine {
  enum class Action { kRun, kHelp, kVersion };
  Action action = Action::kRun;
  std::string text;  // help or version text
  LaunchConfig config;
};

// Parses argv (without argv[0]); env supplies the PET_* fallbacks. Throws
// UsageError for every bad value. Does not touch the file system.
ParsedCommandLine parse_command_line(const std::vector<std::string>& args, const Environment& env);

}  // namespace refrun
