// What torchrun 1.13's agent does in the rendezvous' key-value space after
// every rendezvous (agent/server/api.py, utils/store.py), so refrun and
// torchrun agents can share a job: the role-info exchange that gives each
// node its global ranks, MASTER_ADDR/MASTER_PORT from group rank 0, and the
// exit barrier on torchelastic/agent/terminal_state. Without these a
// torchrun agent waits 300 s for refrun's keys and dies with LookupError.
#pragma once

#include <string>

#include "rendezvous/etcd/etcd_kv.h"

namespace refrun::etcd {

struct RankLayout {
  int rank_offset = 0;  // global rank of this node's local rank 0
  int world_size = 0;   // workers of every node
};

// _share_and_gather (store_util.synchronize on "torchelastic/role_info"):
// publish {"role", "rank", "local_world_size"}, read everyone's, then the
// .FIN handshake. Offsets follow the group ranks, as _get_ranks does.
Task<RankLayout> share_and_gather(EtcdKv& kv, int group_rank, int group_world, std::string role,
                                  int local_world_size, EtcdKv::Duration timeout);

// Group rank 0's _set_master_addr_port, and everyone's _get_master_addr_port.
Task<void> publish_master(EtcdKv& kv, std::string addr, int port);
Task<std::pair<std::string, int>> read_master(EtcdKv& kv, EtcdKv::Duration timeout);

// _exit_barrier: store_util.barrier on "torchelastic/agent/terminal_state".
Task<void> exit_barrier(EtcdKv& kv, int group_rank, int group_world, EtcdKv::Duration timeout);
// The keys of this node's side of the exit barrier, without waiting: an
// agent that leaves early (its job failed) releases peers waiting there.
Task<void> leave_exit_barrier(EtcdKv& kv, int group_rank);

}  // namespace refrun::etcd
