// The c10d store: a small TCP key-value server on the EventLoop, hosted by
// one agent. Besides set/get/cas/add/wait it runs the rendezvous rounds of
// every run id that joins (RoundStateMachine) and watches each client's
// keep-alives, so the store host is the one place that decides membership.
//
// Requests are frames {"op": ..., "id": N, ...}; replies echo the id with
// "ok": true/false; pushes carry "push" instead of an id. A bad frame gets
// one error reply and closes that one connection; a bad request gets an
// error reply. The key-value half and its quotas are store_kv.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/event_loop.h"
#include "rendezvous/c10d/connection.h"
#include "rendezvous/c10d/round.h"
#include "rendezvous/c10d/store_kv.h"

namespace refrun {

struct C10dServerOptions {
  size_t max_frame = kC10dMaxFrame;
  // A client silent this long is expelled (it died or was stopped).
  std::chrono::milliseconds keep_alive_window{15000};
  C10dStoreQuotas quotas;
  // Connections at once, also at most three quarters of the open-file limit
  // at construction, so the host's own workers keep descriptors to start with.
  size_t max_clients = 1024;
};

class C10dStoreServer {
 public:
  // Takes ownership of a listening socket (see listen_c10d).
  C10dStoreServer(common::EventLoop& loop, int listen_fd, C10dServerOptions options);
  ~C10dStoreServer();
  C10dStoreServer(const C10dStoreServer&) = delete;
  C10dStoreServer& operator=(const C10dStoreServer&) = delete;

  int port() const { return port_; }
  // Nodes (of any run id) whose agents are still connected.
  size_t connected_nodes() const;
  // Bytes of keys, values and pending waits held for clients (quotas).
  size_t stored_bytes() const { return kv_.bytes(); }
  size_t clients() const { return clients_.size(); }
  // Called after any client connection went away.
  void set_on_disconnect(std::function<void()> cb) { on_disconnect_ = std::move(cb); }
  // Stops listening and drops every connection at once.
  void close();

 private:
  struct Client {
    std::unique_ptr<C10dConnection> conn;
    common::EventLoop::Clock::time_point last_rx;
    common::EventLoop::TimerId keep_alive_timer = 0;
    std::vector<std::pair<std::string, std::string>> nodes;  // (run id, node id)
  };
  struct Run;

  common::EventLoop& loop_;
  int listen_fd_;
  int port_;
  C10dServerOptions options_;
  size_t max_clients_;
  int reserve_fd_ = -1;  // given up to accept (and refuse) when the fd table is full
  common::EventLoop::TimerId accept_pause_timer_ = 0;
  uint64_t next_client_ = 1;
  std::map<uint64_t, Client> clients_;
  C10dKeyValue kv_;
  std::map<std::string, std::unique_ptr<Run>> runs_;
  std::function<void()> on_disconnect_;
  common::EventLoop::TimerId tick_timer_ = 0;
  common::EventLoop::Clock::time_point last_tick_;

  void accept_clients();
  bool make_room(const char* why);
  bool refuse_with_reserve_fd();
  void pause_accepting();
  void add_client(int fd);
  void arm_keep_alive(uint64_t id);
  void tick();
  void check_stall(common::EventLoop::Clock::time_point now);
  void on_frame(uint64_t id, const nlohmann::json& msg);
  nlohmann::json handle(uint64_t id, const nlohmann::json& msg, bool& deferred);
  nlohmann::json handle_join(uint64_t id, const nlohmann::json& msg, bool& deferred);
  nlohmann::json handle_barrier(uint64_t id, const nlohmann::json& msg, bool& deferred);
  nlohmann::json handle_close(uint64_t id, const nlohmann::json& msg);
  void drop_client(uint64_t id);
  void reschedule(Run& run);
  void send(uint64_t client, const nlohmann::json& msg);
};

}  // namespace refrun
