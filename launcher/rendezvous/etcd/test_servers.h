// Test helpers: a real single-member etcd (skipped where etcd-server is not
// installed) and a scripted HTTP server on the test's EventLoop that can
// answer like etcd or like something hostile.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/event_loop.h"

namespace refrun::etcd::testing {

// `etcd` on free loopback ports, data in a fresh temp dir; killed and
// removed on destruction. ok() is false (with why()) when etcd is missing
// or never became healthy.
class RealEtcd {
 public:
  explicit RealEtcd(bool enable_v2 = true);
  ~RealEtcd();
  bool ok() const { return pid_ > 0 && why_.empty(); }
  const std::string& why() const { return why_; }
  int port() const { return client_port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(client_port_); }
  // One blocking HTTP/1.0 request for checks: returns the body ("" on error).
  std::string http(const std::string& method, const std::string& path,
                   const std::string& form = "") const;

 private:
  int pid_ = -1;
  int client_port_ = 0;
  std::string dir_;
  std::string why_;
};

// Each accepted connection reads one request at a time and calls `handle`
// with "METHOD TARGET" and the body; the Reply says what goes back.
class FakeHttpServer {
 public:
  struct Reply {
    std::string bytes;       // written as is (a whole HTTP answer, or junk)
    int trickle_ms = 0;      // >0: one byte per this many ms (slow-loris)
    bool close = false;      // close after writing
    bool hang = false;       // never answer
  };
  using Handler = std::function<Reply(const std::string& request_line, const std::string& body)>;

  FakeHttpServer(common::EventLoop& loop, Handler handle);
  ~FakeHttpServer();
  int port() const { return port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }
  int connections() const { return connections_; }
  size_t open_connections() const { return conns_.size(); }

  // A JSON answer as etcd writes it (status line, X-Etcd-Index, body).
  static std::string answer(int status, const std::string& json, uint64_t index = 7);

 private:
  struct Conn;
  common::EventLoop& loop_;
  Handler handle_;
  int listen_fd_ = -1;
  int port_ = 0;
  int requests_ = 0;
  int connections_ = 0;
  std::vector<std::unique_ptr<Conn>> conns_;

  void on_accept();
  void on_readable(Conn* c);
  void write_more(Conn* c);
  void drop(Conn* c);
};

}  // namespace refrun::etcd::testing
