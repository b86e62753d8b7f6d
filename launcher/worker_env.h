// The environment each worker gets: refrun's own plus the contract's
// variables, with torchrun 2.x's names and values (local_elastic_agent.py,
// _start_workers).
#pragma once

#include <string>

#include "options.h"
#include "rendezvous/rendezvous.h"

namespace refrun {

struct WorkerGroupSpec {
  std::string role = "default";
  int local_world_size = 1;
  int max_restarts = 0;
  std::string run_id = "none";
  bool virtual_local_rank = false;
};

// `base` is refrun's environment (after the OMP_NUM_THREADS default).
Environment build_worker_env(const Environment& base, const WorkerGroupSpec& spec,
                             const RendezvousResult& round, int local_rank,
                             const std::string& error_file);

// True when refrun must default OMP_NUM_THREADS=1 (and warn): more than one
// worker and the user did not set it.
bool needs_omp_default(const Environment& env, int nproc);
extern const char* const kOmpWarning;

// With --virtual-local-rank: the device a worker may see, mapped through an
// existing CUDA_VISIBLE_DEVICES list. Throws UsageError when the list is too
// short for local_world_size.
std::string visible_device_for(const Environment& base, int local_rank);

}  // namespace refrun
