#include "worker_env.h"

#include "common/text.h"

namespace refrun {

const char* const kOmpWarning =
    "*****************************************\n"
    "Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid "
    "your system being overloaded, please further tune the variable for optimal performance in "
    "your application as needed.\n"
    "*****************************************\n";

bool needs_omp_default(const Environment& env, int nproc) {
  return nproc > 1 && env.count("OMP_NUM_THREADS") == 0;
}

std::string visible_device_for(const Environment& base, int local_rank) {
  auto it = base.find("CUDA_VISIBLE_DEVICES");
  if (it == base.end()) return std::to_string(local_rank);
  auto devices = common::split(it->second, ',');
  if (local_rank >= static_cast<int>(devices.size()))
    throw UsageError("--virtual-local-rank: local rank " + std::to_string(local_rank) +
                     " has no device in CUDA_VISIBLE_DEVICES=" + it->second);
  return common::trim(devices[local_rank]);
}

Environment build_worker_env(const Environment& base, const WorkerGroupSpec& spec,
                             const RendezvousResult& round, int local_rank,
                             const std::string& error_file) {
  Environment env = base;
  int rank = round.rank_offset + local_rank;
  env["LOCAL_RANK"] = std::to_string(local_rank);
  env["RANK"] = std::to_string(rank);
  env["GROUP_RANK"] = std::to_string(round.group_rank);
  // One role per job, so the role's ranks are the global ones.
  env["ROLE_RANK"] = std::to_string(rank);
  env["ROLE_NAME"] = spec.role;
  env["LOCAL_WORLD_SIZE"] = std::to_string(spec.local_world_size);
  env["WORLD_SIZE"] = std::to_string(round.world_size);
  env["GROUP_WORLD_SIZE"] = std::to_string(round.group_world_size);
  env["ROLE_WORLD_SIZE"] = std::to_string(round.world_size);
  env["MASTER_ADDR"] = round.master_addr;
  env["MASTER_PORT"] = std::to_string(round.master_port);
  env["TORCHELASTIC_RESTART_COUNT"] = std::to_string(round.restart_count);
  env["TORCHELASTIC_MAX_RESTARTS"] = std::to_string(spec.max_restarts);
  env["TORCHELASTIC_RUN_ID"] = spec.run_id;
  // Python's str(bool), as upstream writes it.
  env["TORCHELASTIC_USE_AGENT_STORE"] = round.use_agent_store ? "True" : "False";
  env["TORCHELASTIC_ERROR_FILE"] = error_file;
  if (!env.count("TORCH_NCCL_ASYNC_ERROR_HANDLING")) env["TORCH_NCCL_ASYNC_ERROR_HANDLING"] = "1";
  if (spec.virtual_local_rank) {
    env["LOCAL_RANK"] = "0";
    env["CUDA_VISIBLE_DEVICES"] = visible_device_for(base, local_rank);
  }
  return env;
}

}  // namespace refrun
