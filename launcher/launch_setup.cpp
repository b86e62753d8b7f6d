#include "launch_setup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/random.h"
#include "common/text.h"
#include "nproc.h"
#include "numa_binding.h"
#include "rendezvous/registry.h"
#include "worker_command.h"

namespace refrun {

static std::string resolve_program(const LaunchConfig& c, const Environment& env) {
  if (c.no_python && !c.run_path) {
    std::string found = find_in_path(c.script, env);
    if (found.empty()) {
      struct stat st;
      bool exists = c.script.find('/') != std::string::npos && stat(c.script.c_str(), &st) == 0;
      throw UsageError("training_script " + c.script +
                       (exists ? ": not executable (--no-python execs it directly)"
                               : ": no such file or command"));
    }
    return found;
  }
  // A module is found by Python itself; a script file must exist.
  if (!c.module && access(c.script.c_str(), R_OK) != 0)
    throw UsageError("training_script " + c.script + ": no such file (or not readable)");
  return python_executable(env);
}

// --shutdown-timeout / --stop-timeout, else TORCH_ELASTIC_SHUTDOWN_TIMEOUT
// (an int, as upstream reads it), else 30 s.
static double resolve_stop_timeout(const LaunchConfig& c, const Environment& env) {
  if (c.stop_timeout) return *c.stop_timeout;
  auto it = env.find("TORCH_ELASTIC_SHUTDOWN_TIMEOUT");
  if (it == env.end()) return 30;
  int v = 0;
  if (!common::parse_int(common::trim(it->second), v) || v < 0)
    throw UsageError("TORCH_ELASTIC_SHUTDOWN_TIMEOUT=" + it->second +
                     ": expected a non-negative number of seconds");
  return v;
}

void prepare_launch(const LaunchConfig& c, const Environment& env, AgentConfig& agent,
                    RendezvousParams& params) {
  int nproc = resolve_nproc(c.nproc_per_node, env);
  std::string program = resolve_program(c, env);
  if (!c.numa_binding.empty()) check_numa_binding(c.numa_binding, nproc, gpu_count(env), numa_node_count());
  if (c.virtual_local_rank) visible_device_for(env, nproc - 1);  // throws if too few devices

  params.backend = c.rdzv_backend;
  params.endpoint = c.rdzv_endpoint;
  params.run_id = c.rdzv_id;
  params.min_nodes = c.min_nodes;
  params.max_nodes = c.max_nodes;
  params.conf = c.rdzv_conf;
  params.local_addr = c.local_addr;
  params.nproc_per_node = nproc;
  params.node_rank = c.node_rank;
  params.master_addr = c.master_addr;
  params.master_port = c.master_port;
  if (c.standalone) {
    // As upstream: c10d on localhost:0 (the agent hosts its own store on a
    // free port) with a uuid run id, so nothing is shared with other jobs.
    params.backend = "c10d";
    params.standalone = true;
    params.endpoint = "localhost:0";
    params.run_id = common::random_uuid();
    params.min_nodes = params.max_nodes = 1;
    params.node_rank = 0;
    // MASTER_ADDR=localhost unless --local-addr says otherwise.
    if (params.local_addr.empty()) params.local_addr = "localhost";
  }
  auto names = rendezvous_backend_names();
  if (std::find(names.begin(), names.end(), params.backend) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("--rdzv-backend " + params.backend +
                     ": unknown or unsupported rendezvous backend (refrun knows: " + known + ")");
  }

  Environment base = env;
  // refrun's own error file is the scheduler's, not the workers' (each
  // worker gets its own under the log dir).
  if (auto it = base.find("TORCHELASTIC_ERROR_FILE"); it != base.end()) {
    agent.launcher_error_file = it->second;
    base.erase(it);
  }
  if (needs_omp_default(env, nproc)) {
    base["OMP_NUM_THREADS"] = "1";
    agent.omp_defaulted = true;  // main warns once nothing can fail any more
  }

  agent.launch = c;
  agent.launch.stop_timeout = resolve_stop_timeout(c, env);
  agent.spec.role = c.role;
  agent.spec.local_world_size = nproc;
  agent.spec.max_restarts = c.max_restarts;
  agent.spec.run_id = params.run_id;
  agent.spec.virtual_local_rank = c.virtual_local_rank;
  agent.program = program;
  agent.base_env = std::move(base);
  auto it = env.find("TORCHELASTIC_LOG_LINE_PREFIX_TEMPLATE");
  if (it != env.end()) agent.prefix_template = it->second;
}

}  // namespace refrun
