// One framed TCP connection of the c10d store, on the EventLoop: reads
// frames as they arrive, queues writes while the socket is full. Used by
// both the store server (one per client) and the client.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "rendezvous/c10d/frame.h"

namespace common {
class EventLoop;
}

namespace refrun {

class C10dConnection {
 public:
  using OnFrame = std::function<void(const nlohmann::json&)>;
  // Called once when the peer hangs up, the socket fails or a bad frame
  // arrives (the peer is sent {"ok": false, "error": "bad frame: ..."}
  // first); the fd is already closed. May destroy this object.
  using OnClose = std::function<void(const std::string& why)>;

  C10dConnection(common::EventLoop& loop, int fd, size_t max_frame, OnFrame on_frame,
                 OnClose on_close);
  ~C10dConnection();
  C10dConnection(const C10dConnection&) = delete;
  C10dConnection& operator=(const C10dConnection&) = delete;

  void send(const nlohmann::json& message);
  // Closes at once without calling on_close. Queued bytes are attempted
  // once first, so a final message (e.g. "you were expelled") can get out.
  void close();
  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  common::EventLoop& loop_;
  int fd_;
  size_t max_frame_;
  FrameDecoder decoder_;
  std::string out_;
  OnFrame on_frame_;
  OnClose on_close_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  void on_ready(uint32_t events);
  void flush();
  void fail(const std::string& why);
  void refuse(const std::string& why);
};

}  // namespace refrun
