// One HTTP/1.1 client connection on the agent's EventLoop: a non-blocking
// socket, Boost.Beast's serializer and parser over it (Beast never touches
// the socket; no asio io_context runs, see launcher/ETCD.md), one exchange
// at a time, kept alive for the next one when the server allows.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/event_loop.h"

namespace refrun::etcd {

struct HttpEndpoint {
  std::string host;
  int port = 0;
  std::string text() const;  // "host:port", "[v6]:port"
  bool operator==(const HttpEndpoint&) const = default;
};

struct HttpRequest {
  std::string method;  // GET, PUT, POST, DELETE
  std::string target;  // path and query, as sent
  std::string body;    // empty: none
  std::string content_type;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header of that name (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

// Bounds against a hostile or broken server: nothing it sends can make the
// agent hold more than this per connection.
struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 4 * 1024 * 1024;
};

// Why an exchange failed. kConnect: nothing was sent (safe to try another
// server). kStale: a reused keep-alive connection was closed by the server
// before answering a byte (safe to retry once on a fresh one).
struct HttpFailure {
  enum class Kind { kConnect, kStale, kClosed, kProtocol, kTooLarge, kTimeout };
  Kind kind;
  std::string message;  // one line, names the endpoint
};

class HttpConnection {
 public:
  using Done = std::function<void(std::optional<HttpResponse>, std::optional<HttpFailure>)>;

  // Starts a non-blocking connect; nullopt with `failure` set when even
  // that fails (unresolvable, no socket).
  static std::unique_ptr<HttpConnection> open(common::EventLoop& loop, const HttpEndpoint& ep,
                                              HttpFailure& failure);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `request` and parses the answer within `limits`. `done` runs
  // exactly once, from the loop; the connection may be destroyed inside it.
  void exchange(const HttpRequest& request, const HttpLimits& limits, Done done);
  // After a complete answer: whether the server lets the connection live on.
  bool reusable() const { return reusable_; }
  // Idle in a pool: a readable socket now means the server closed it (or
  // sent garbage); `on_dead` is told, once.
  void park(std::function<void()> on_dead);

  const HttpEndpoint& endpoint() const { return ep_; }
  std::string local_address() const;

 private:
  struct Parser;
  HttpConnection(common::EventLoop& loop, int fd, HttpEndpoint ep);

  common::EventLoop& loop_;
  int fd_;
  HttpEndpoint ep_;
  bool connected_ = false;
  bool used_before_ = false;
  bool reusable_ = false;
  bool received_any_ = false;
  std::string out_;
  size_t out_pos_ = 0;
  std::unique_ptr<Parser> parser_;
  Done done_;
  std::string what_;  // "PUT /v2/keys/..." for messages

  void on_ready(uint32_t events);
  bool finish_connect();
  bool flush();
  bool read_some();
  void fail(HttpFailure::Kind kind, const std::string& why);
  void complete();
};

}  // namespace refrun::etcd
