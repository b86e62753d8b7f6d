// Client side of the c10d store: connects (retrying until a deadline),
// matches replies to requests, delivers pushes, and sends keep-alives. The
// store counts as lost when the connection drops or nothing comes back
// within the keep-alive window (the host died or was stopped).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/event_loop.h"
#include "rendezvous/c10d/connection.h"

namespace refrun {

struct C10dClientOptions {
  std::string host;
  int port = 0;
  std::chrono::milliseconds connect_timeout{600000};
  std::chrono::milliseconds keep_alive_interval{5000};
  std::chrono::milliseconds keep_alive_window{15000};
  size_t max_frame = kC10dMaxFrame;
};

class C10dStoreClient {
 public:
  using Reply = std::function<void(const nlohmann::json&)>;
  using Fail = std::function<void(const std::string&)>;

  C10dStoreClient(common::EventLoop& loop, C10dClientOptions options);
  ~C10dStoreClient();
  C10dStoreClient(const C10dStoreClient&) = delete;
  C10dStoreClient& operator=(const C10dStoreClient&) = delete;

  void connect(std::function<void()> done, Fail fail);
  bool connected() const { return conn_ && conn_->is_open(); }
  // Sends `request` (an "id" is added). done gets an ok reply; fail gets
  // the server's error, a timeout (timeout > 0), or the loss of the store.
  void request(nlohmann::json request, std::chrono::milliseconds timeout, Reply done, Fail fail);
  void set_on_push(std::function<void(const nlohmann::json&)> cb) { on_push_ = std::move(cb); }
  // Called once when the store is lost after a successful connect.
  void set_on_lost(Fail cb) { on_lost_ = std::move(cb); }
  std::string local_address() const { return local_address_; }
  std::string where() const { return options_.host + ":" + std::to_string(options_.port); }
  void close();

 private:
  struct Pending {
    Reply done;
    Fail fail;
    common::EventLoop::TimerId timer;
  };

  common::EventLoop& loop_;
  C10dClientOptions options_;
  std::unique_ptr<C10dConnection> conn_;
  int connecting_fd_ = -1;
  unsigned attempts_ = 0;
  std::string last_connect_error_;
  common::EventLoop::TimerId retry_timer_ = 0;
  common::EventLoop::TimerId connect_deadline_timer_ = 0;
  common::EventLoop::TimerId keep_alive_timer_ = 0;
  common::EventLoop::Clock::time_point last_rx_;
  common::EventLoop::Clock::time_point last_tick_;
  std::map<uint64_t, Pending> pending_;
  uint64_t next_id_ = 1;
  std::function<void(const nlohmann::json&)> on_push_;
  Fail on_lost_;
  std::string local_address_;
  std::string expelled_;
  bool lost_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  void try_connect(std::function<void()> done, Fail fail, std::string last_error);
  void connected_fd(int fd, std::function<void()> done);
  void on_frame(const nlohmann::json& msg);
  void keep_alive();
  void lose(const std::string& why);
  void stop_connecting();
};

}  // namespace refrun
