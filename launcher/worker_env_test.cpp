#include "worker_env.h"

#include <gtest/gtest.h>

namespace refrun {

namespace {
RendezvousResult two_nodes_of_four(int group_rank) {
  RendezvousResult r;
  r.group_rank = group_rank;
  r.group_world_size = 2;
  r.rank_offset = group_rank * 4;
  r.world_size = 8;
  r.master_addr = "10.0.0.1";
  r.master_port = 29501;
  r.restart_count = 2;
  return r;
}
}  // namespace

TEST(WorkerEnv, RankArithmeticAndContractVariables) {
  WorkerGroupSpec spec;
  spec.local_world_size = 4;
  spec.max_restarts = 3;
  spec.run_id = "job";
  Environment env = build_worker_env({{"KEEP", "me"}}, spec, two_nodes_of_four(1), 2, "/e.json");
  EXPECT_EQ(env["KEEP"], "me");
  EXPECT_EQ(env["LOCAL_RANK"], "2");
  EXPECT_EQ(env["RANK"], "6");
  EXPECT_EQ(env["GROUP_RANK"], "1");
  EXPECT_EQ(env["ROLE_RANK"], "6");
  EXPECT_EQ(env["ROLE_NAME"], "default");
  EXPECT_EQ(env["ROLE_WORLD_SIZE"], "8");
  EXPECT_EQ(env["LOCAL_WORLD_SIZE"], "4");
  EXPECT_EQ(env["WORLD_SIZE"], "8");
  EXPECT_EQ(env["GROUP_WORLD_SIZE"], "2");
  EXPECT_EQ(env["MASTER_ADDR"], "10.0.0.1");
  EXPECT_EQ(env["MASTER_PORT"], "29501");
  EXPECT_EQ(env["TORCHELASTIC_RESTART_COUNT"], "2");
  EXPECT_EQ(env["TORCHELASTIC_MAX_RESTARTS"], "3");
  EXPECT_EQ(env["TORCHELASTIC_RUN_ID"], "job");
  EXPECT_EQ(env["TORCHELASTIC_USE_AGENT_STORE"], "False");
  EXPECT_EQ(env["TORCHELASTIC_ERROR_FILE"], "/e.json");
  EXPECT_EQ(env["TORCH_NCCL_ASYNC_ERROR_HANDLING"], "1");
  EXPECT_EQ(env.count("CUDA_VISIBLE_DEVICES"), 0u);
}

TEST(WorkerEnv, UserValuesWinWhereUpstreamKeepsThem) {
  WorkerGroupSpec spec;
  Environment env = build_worker_env({{"TORCH_NCCL_ASYNC_ERROR_HANDLING", "0"}}, spec,
                                     RendezvousResult{}, 0, "/e");
  EXPECT_EQ(env["TORCH_NCCL_ASYNC_ERROR_HANDLING"], "0");
  RendezvousResult store;
  store.use_agent_store = true;
  EXPECT_EQ(build_worker_env({}, spec, store, 0, "/e")["TORCHELASTIC_USE_AGENT_STORE"], "True");
}

TEST(WorkerEnv, OmpDefaultOnlyForSeveralWorkersWhenUnset) {
  EXPECT_TRUE(needs_omp_default({}, 2));
  EXPECT_FALSE(needs_omp_default({}, 1));
  EXPECT_FALSE(needs_omp_default({{"OMP_NUM_THREADS", "8"}}, 4));
}

TEST(WorkerEnv, VirtualLocalRank) {
  WorkerGroupSpec spec;
  spec.local_world_size = 4;
  spec.virtual_local_rank = true;
  Environment env = build_worker_env({}, spec, two_nodes_of_four(0), 3, "/e");
  EXPECT_EQ(env["LOCAL_RANK"], "0");
  EXPECT_EQ(env["RANK"], "3");
  EXPECT_EQ(env["CUDA_VISIBLE_DEVICES"], "3");
  // Mapped through the parent's list.
  env =
      build_worker_env({{"CUDA_VISIBLE_DEVICES", "4,5,6,7"}}, spec, two_nodes_of_four(0), 1, "/e");
  EXPECT_EQ(env["CUDA_VISIBLE_DEVICES"], "5");
  EXPECT_THROW(visible_device_for({{"CUDA_VISIBLE_DEVICES", "0,1"}}, 2), UsageError);
}

}  // namespace refrun
