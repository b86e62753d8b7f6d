// The simulated-agents load generator of `launchcheck bench` (issue 15): one
// process, one epoll loop, N connections to a refrun c10d store, each
// speaking for one participant as an agent would (store_wire.h): connect,
// join the run id, ping every keep-alive interval, rejoin when told the
// membership changed. No thread or timer per connection; memory is a small
// record per participant plus what a reply needs.
//
// Connections come from 127.0.0.2, .3, ... in turn: one source address has
// only the ephemeral port range (~28k) towards one store port. At most
// max_in_flight of them are connected but not yet known to be accepted (a
// ping answered), so the store's listen backlog never overflows into SYN
// retransmits.
//
// The first thing that goes wrong ends the run with one line naming the
// participant and what happened (a refused connection, a hostile reply, the
// store hanging up); nothing throws out of here.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace launchcheck {

struct StoreLoadOptions {
  int port = 0;  // the store on 127.0.0.1
  std::string run_id;
  int participants = 0;
  int min_nodes = 1, max_nodes = 1;  // the host agent's --nnodes
  int expected_world = 0;            // nodes the first round must have
  int source_addresses = 16;         // 127.0.0.2 .. 127.0.0.(1 + this)
  int max_in_flight = 512;           // below the store's listen backlog (1024)
  std::chrono::milliseconds keep_alive_interval{5000};
  int64_t last_call_ms = 600000, join_timeout_ms = 600000;
};

struct StoreLoadTimes {
  int64_t start_ns = 0;     // the first connect
  int64_t accepted_ns = 0;  // every participant's first ping answered
  int64_t joined_ns = 0;    // every participant has its round
  int64_t killed_ns = 0;    // kill() closed its connections
  int64_t noticed_ns = 0;   // every survivor was told the membership changed
  int64_t reformed_ns = 0;  // every survivor has its next round
};

class StoreLoad {
 public:
  explicit StoreLoad(StoreLoadOptions options);
  ~StoreLoad();
  StoreLoad(const StoreLoad&) = delete;
  StoreLoad& operator=(const StoreLoad&) = delete;

  // Connects and joins everyone; "" once all of them hold the same round of
  // expected_world nodes, else why not (and how far it got).
  std::string join_all(std::chrono::steady_clock::time_point deadline);
  // Keeps everyone alive (pings) until `until`; "" unless something broke.
  std::string keep_alive(std::chrono::steady_clock::time_point until);
  // Closes the connections of `count` participants at once, as the kernel
  // does for a killed agent. Survivors rejoin when the store tells them.
  void kill(int count);
  // "" once every survivor was told and all of them (with the host) formed
  // the next round without the killed ones.
  std::string reform(std::chrono::steady_clock::time_point deadline);

  const StoreLoadTimes& times() const { return times_; }
  int connected() const { return accepted_; }
  int joined() const { return joined_; }

 private:
  struct Participant;
  StoreLoadOptions opt_;
  int epoll_ = -1;
  std::vector<Participant> p_;
  StoreLoadTimes times_;
  int next_connect_ = 0, in_flight_ = 0, accepted_ = 0, joined_ = 0;
  int alive_ = 0, noticed_ = 0, rejoined_ = 0, round_ = -1, killed_ = 0;
  size_t ping_cursor_ = 0;
  int64_t ping_epoch_ns_ = 0;
  std::string error_;

  std::string run(std::chrono::steady_clock::time_point deadline, bool (StoreLoad::*done)() const);
  bool all_joined() const { return joined_ == opt_.participants; }
  bool never() const { return false; }
  bool all_reformed() const { return noticed_ == alive_ && rejoined_ == alive_; }
  void connect_more();
  void connect_one(int i);
  void send_pings();
  void on_ready(int i, uint32_t events);
  void on_connected(int i);
  void read_from(int i);
  void on_message(int i, const nlohmann::json& msg);
  void on_reply(int i, const std::string& id, const nlohmann::json& msg);
  void on_join_reply(int i, const nlohmann::json& msg);
  void on_push(int i, const nlohmann::json& msg);
  void send(int i, const nlohmann::json& msg);
  void flush(int i);
  void join(int i);
  void fail(int i, const std::string& why);
  std::string progress() const;
};

}  // namespace launchcheck
