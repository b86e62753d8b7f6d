// torchrun's etcd rendezvous (etcd_rendezvous.py, class EtcdRendezvous),
// step for step, as coroutines: the same keys, the same CAS transitions
// setup -> joinable -> frozen -> final (-> closed), the same TTLs, last
// call, keep-alive keys, waiting workers and the destruction of a version
// whose member stopped renewing its key. Method names follow upstream so
// the two can be read side by side; launcher/ETCD.md lists where refrun
// differs (retry delays, errors it treats as final, keep-alive cadence).
#pragma once

#include <functional>
#include <optional>
#include <random>
#include <string>

#include "rendezvous/etcd/etcd_conf.h"
#include "rendezvous/etcd/etcd_v2.h"
#include "rendezvous/etcd/rdzv_state.h"
#include "rendezvous/etcd/task.h"

namespace refrun::etcd {

// The TTLs torchrun uses (seconds); the keys outlive an agent by these.
constexpr int kSetupTtl = 5;
constexpr int kJoinableTtl = 10;
constexpr int kFrozenTtl = 10;
constexpr int kKeepAliveTtl = 10;
constexpr int kRunDirTtl = 7200;

// Errors that end the rendezvous attempt for good (torchrun:
// RendezvousClosedError, RendezvousTimeoutError, RendezvousError).
class RendezvousClosed : public EtcdError {
 public:
  using EtcdError::EtcdError;
};
class RendezvousTimedOut : public EtcdError {
 public:
  using EtcdError::EtcdError;
};
class RendezvousBroken : public EtcdError {
 public:
  using EtcdError::EtcdError;
};

namespace detail {
// torchrun's EtcdRendezvousRetryImmediately / EtcdRendezvousRetryableFailure:
// control flow inside rendezvous_barrier, never seen outside it.
struct RetryImmediately {};
struct RetryableFailure {};
}  // namespace detail

struct Joined {
  std::string version;  // "3": the v_3 directory
  int rank = 0;         // group rank: the order of the successful joins
  int world = 0;        // participants
};

class RdzvProtocol {
 public:
  using Clock = common::EventLoop::Clock;
  // The agent's keep-alive of its group rank: started once its membership
  // is confirmed, stopped when it enters the next rendezvous.
  struct Hooks {
    std::function<void(const std::string& key)> start_keep_alive;
    std::function<void()> stop_keep_alive;
  };

  RdzvProtocol(EtcdV2& etcd, EtcdConf conf, std::string run_id, int min_nodes, int max_nodes,
               Hooks hooks);

  // EtcdRendezvous.__init__: the prefix, run and rdzv dirs, version_counter.
  Task<void> setup();
  // Blocks (awaits) until this agent is in a final rendezvous version.
  Task<Joined> rendezvous_barrier();
  // Marks the state closed. With `only_version`, only while the state is
  // still that version: an agent the others have left behind (its key
  // expired, they formed a new version) must not end their job.
  Task<void> set_closed(std::optional<std::string> only_version = {});
  Task<RdzvState> get_rdzv_state();
  // <prefix>run_<id><p>
  std::string path(const std::string& p) const { return run_path(conf_, run_id_, p); }
  const std::string& state_key() const { return state_key_; }
  EtcdV2& etcd() { return etcd_; }

 private:
  EtcdV2& etcd_;
  EtcdConf conf_;
  std::string run_id_;
  int min_;
  int max_;
  Hooks hooks_;
  std::string state_key_;
  Clock::time_point deadline_;
  std::mt19937 rng_;

  // rdzv_join.cpp
  Task<Joined> init_phase();
  Task<std::optional<RdzvState>> try_create_rendezvous();
  Task<Joined> join_phase(std::string version);
  Task<std::pair<RdzvState, int>> join_rendezvous(std::string version);
  Task<void> handle_join_last_call(std::string version, Clock::time_point deadline);
  Task<RdzvState> wait_for_peers(std::string version);
  Task<void> confirm_membership(std::string version, int rank);
  Task<RdzvState> wait_for_final(std::string version);
  // rdzv_existing.cpp
  Task<void> handle_existing_rendezvous(std::string version);
  Task<void> announce_self_waiting(std::string version);
  Task<void> wait_for_rendezvous_to_free(std::string version);
  Task<void> destroy_version(const RdzvState& state);
  Task<RdzvState> try_wait_for_state_change(uint64_t index,
                                            std::optional<Clock::duration> timeout = {});
  Task<void> create_path_if_not_exists(std::string key, std::optional<int> ttl = {});
  Task<bool> create_if_absent(std::string key, EtcdWrite w);
  Task<std::optional<RdzvState>> cas_state(const RdzvState& prev, std::string value,
                                           std::optional<int> ttl);
  Task<void> cas_delay();
  Clock::duration time_left() const;
  void check_deadline() const;
};

}  // namespace refrun::etcd
