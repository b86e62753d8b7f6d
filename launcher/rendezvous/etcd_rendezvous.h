// The etcd rendezvous backend (--rdzv-backend=etcd): wire-compatible with
// torchrun's `etcd` backend (etcd v2 keys API), so refrun and torchrun 1.13
// agents can meet in one job. The protocol itself is rendezvous/etcd/
// (launcher/ETCD.md); this class runs it on the agent's loop: one round at
// a time, the keep-alive of this node's key, a watch on the running round
// (waiting agents, lost members, closed, garbage), the exit barrier, close.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "rendezvous/etcd/agent_sync.h"
#include "rendezvous/etcd/etcd_conf.h"
#include "rendezvous/etcd/etcd_kv.h"
#include "rendezvous/etcd/etcd_v2.h"
#include "rendezvous/etcd/rdzv_protocol.h"
#include "rendezvous/etcd/task.h"
#include "rendezvous/rendezvous.h"

namespace refrun {

class EtcdRendezvous : public Rendezvous {
 public:
  // Parses the endpoint and --rdzv-conf; throws std::runtime_error with one
  // line on a bad value. Nothing is sent before next_round.
  EtcdRendezvous(common::EventLoop& loop, const RendezvousParams& params);
  ~EtcdRendezvous() override;

  void next_round(int restart_count, Done done, Fail fail) override;
  void on_membership_change(std::function<void()> cb) override { on_change_ = std::move(cb); }
  void on_lost(std::function<void(const std::string&)> cb) override { on_lost_ = std::move(cb); }
  void exit_barrier(std::function<void()> done, Fail fail) override;
  void leave_open() override { leave_open_ = true; }
  void shutdown() override;

 private:
  enum class State { kIdle, kJoining, kRunning, kBarrier, kDone };
  using RootTask = etcd::RootTask;

  common::EventLoop& loop_;
  RendezvousParams params_;
  etcd::EtcdConf conf_;
  etcd::EtcdV2 etcd_;
  etcd::RdzvProtocol proto_;
  State state_ = State::kIdle;
  bool set_up_ = false;
  bool barrier_passed_ = false;
  bool leave_open_ = false;
  bool store_failed_ = false;  // nothing more to say to it at shutdown
  std::string lost_;
  std::optional<etcd::Joined> joined_;
  std::unique_ptr<etcd::EtcdKv> kv_;
  std::string keep_alive_key_;
  RendezvousResult result_;
  Fail fail_;  // of the round or barrier in progress
  std::function<void()> on_change_;
  std::function<void(const std::string&)> on_lost_;
  std::unique_ptr<RootTask> round_, watcher_, keep_alive_, run_dir_, barrier_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  etcd::Task<void> join_round(int restart_count);
  etcd::Task<void> watch_round(std::string version);
  etcd::Task<void> keep_alive(std::string key);
  etcd::Task<void> refresh_run_dir();
  etcd::Task<void> close();
  void start_keep_alive(const std::string& key);
  void start_watch();
  void lose(std::exception_ptr e);
  void close_now();
  void post(std::function<void()> f);
  std::string strip_store(const std::string& message) const;
};

std::unique_ptr<Rendezvous> make_etcd_rendezvous(common::EventLoop& loop,
                                                 const RendezvousParams& params);

}  // namespace refrun
