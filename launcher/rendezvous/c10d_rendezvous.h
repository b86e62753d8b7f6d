// The c10d rendezvous backend: agents meet through a store hosted by one of
// them at --rdzv-endpoint (see C10D.md for the protocol and options).
#pragma once

#include <memory>
#include <string>

#include "rendezvous/c10d/conf.h"
#include "rendezvous/c10d/socket.h"
#include "rendezvous/c10d/store_client.h"
#include "rendezvous/c10d/store_server.h"
#include "rendezvous/rendezvous.h"

namespace refrun {

class C10dRendezvous : public Rendezvous {
 public:
  // Binds the store when this agent hosts it. Throws std::runtime_error with
  // a one-line message on bad params or when is_host=1 cannot bind.
  C10dRendezvous(common::EventLoop& loop, const RendezvousParams& params);
  ~C10dRendezvous() override;

  void next_round(int restart_count, Done done, Fail fail) override;
  void on_membership_change(std::function<void()> cb) override { on_change_ = std::move(cb); }
  void on_lost(std::function<void(const std::string&)> cb) override { on_lost_ = std::move(cb); }
  void close_failed(const std::string& why, std::function<void()> done) override;
  void on_closed(std::function<void(const std::string&)> cb) override { on_closed_ = std::move(cb); }
  void exit_barrier(std::function<void()> done, Fail fail) override;
  void shutdown() override;

  bool is_host() const { return server_ != nullptr; }
  int store_port() const { return endpoint_.port; }
  const std::string& node_id() const { return node_id_; }

 private:
  // kRunning: a round is done and workers run; membership changes are
  // reported only then. One arriving while resolving the master address
  // means a fresh join instead.
  enum class State { kIdle, kJoining, kResolving, kRunning, kBarrier, kDone };

  common::EventLoop& loop_;
  RendezvousParams params_;
  C10dConf conf_;
  C10dEndpoint endpoint_;
  std::string node_id_;
  std::unique_ptr<C10dStoreServer> server_;
  std::unique_ptr<C10dStoreClient> client_;
  State state_ = State::kIdle;
  RendezvousResult result_;
  uint64_t gen_ = 0;  // join attempts; replies to older ones are ignored
  int restart_count_ = 0;
  Done done_;
  Fail fail_;
  std::string lost_;
  std::function<void()> on_change_;
  std::function<void(const std::string&)> on_lost_;
  std::function<void(const std::string&)> on_closed_;
  std::string closed_;  // why another agent closed the rendezvous
  common::EventLoop::TimerId close_timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  void post(std::function<void()> f);
  void join(int restart_count, Done done, Fail fail);
  void resolve_master(uint64_t gen, Done done, Fail fail);
  void running(Done done);
  void on_push(const nlohmann::json& msg);
  void on_lost(const std::string& why);
  void on_closed_push(const nlohmann::json& msg);
  void wait_for_others(std::function<void()> done);
};

std::unique_ptr<Rendezvous> make_c10d_rendezvous(common::EventLoop& loop,
                                                 const RendezvousParams& params);

}  // namespace refrun
