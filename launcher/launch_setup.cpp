#include "launch_setup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "nproc.h"
#include "worker_command.h"

std::string random_uuid() {
  std::random_device rd;
  unsigned char b[16];
  for (auto& x : b) x = static_cast<unsigned char>(rd());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

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

void prepare_launch(const LaunchConfig& c, const Environment& env, AgentConfig& agent,
                    RendezvousParams& params) {
  int nproc = resolve_nproc(c.nproc_per_node, env);
  std::string program = resolve_program(c, env);
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
    // Upstream: c10d on localhost:0 with a uuid run id. One node needs no
    // store, so refrun serves it from the static backend (see README).
    params.backend = "static";
    params.standalone = true;
    params.endpoint.clear();
    params.run_id = random_uuid();
    params.min_nodes = params.max_nodes = 1;
    params.node_rank = 0;
  }
  auto names = rendezvous_backend_names();
  if (std::find(names.begin(), names.end(), params.backend) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("--rdzv-backend " + params.backend +
                     ": unknown or unsupported rendezvous backend (refrun knows: " + known + ")");
  }

  Environment base = env;
  if (needs_omp_default(env, nproc)) {
    base["OMP_NUM_THREADS"] = "1";
    agent.omp_defaulted = true;  // main warns once nothing can fail any more
  }

  agent.launch = c;
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
