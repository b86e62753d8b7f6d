// HTTP requests as awaitables, with a small keep-alive pool:
//
//   HttpResponse r = co_await client.request(endpoint, req, 5s);  // throws HttpError
//
// Each request in flight has its own connection (a long-poll watch must not
// hold up a keep-alive refresh); finished ones park in the pool, at most
// kMaxIdle of them. Every request has one deadline for connect, send and the
// whole answer, so a server that trickles bytes (slow-loris) or never ends
// its body cannot hold the agent.
#pragma once

#include <chrono>
#include <coroutine>
#include <list>
#include <memory>
#include <stdexcept>
#include <string>

#include "rendezvous/etcd/http_connection.h"

namespace refrun::etcd {

class HttpError : public std::runtime_error {
 public:
  HttpError(HttpFailure::Kind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  HttpFailure::Kind kind() const { return kind_; }
  // Nothing reached the server: another one may be tried.
  bool not_sent() const { return kind_ == HttpFailure::Kind::kConnect; }

 private:
  HttpFailure::Kind kind_;
};

class HttpClient;

// The awaiter `HttpClient::request` returns. Destroying it (the awaiting
// coroutine was cancelled) closes its connection and cancels its timers.
class HttpCall {
 public:
  HttpCall(HttpClient& client, HttpEndpoint ep, HttpRequest req,
           common::EventLoop::Clock::duration timeout);
  ~HttpCall();
  HttpCall(const HttpCall&) = delete;
  HttpCall& operator=(const HttpCall&) = delete;

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);
  HttpResponse await_resume();

 private:
  HttpClient& client_;
  HttpEndpoint ep_;
  HttpRequest req_;
  common::EventLoop::Clock::duration timeout_;
  std::unique_ptr<HttpConnection> conn_;
  bool reused_ = false;
  std::coroutine_handle<> waiter_;
  common::EventLoop::TimerId deadline_ = 0;
  common::EventLoop::TimerId resume_ = 0;
  std::optional<HttpResponse> response_;
  std::optional<HttpFailure> failure_;

  void send();
  void on_done(std::optional<HttpResponse> r, std::optional<HttpFailure> f);
  void settle();
};

class HttpClient {
 public:
  static constexpr size_t kMaxIdle = 4;

  HttpClient(common::EventLoop& loop, HttpLimits limits = {}) : loop_(loop), limits_(limits) {}
  ~HttpClient() = default;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpCall request(const HttpEndpoint& ep, HttpRequest req,
                   common::EventLoop::Clock::duration timeout) {
    return HttpCall(*this, ep, std::move(req), timeout);
  }
  // The local address of the latest connection that got an answer ("" before).
  const std::string& local_address() const { return local_address_; }
  const HttpLimits& limits() const { return limits_; }
  // Closes every parked connection.
  void drop_idle() { idle_.clear(); }

 private:
  friend class HttpCall;
  common::EventLoop& loop_;
  HttpLimits limits_;
  std::list<std::unique_ptr<HttpConnection>> idle_;
  std::string local_address_;

  std::unique_ptr<HttpConnection> take_idle(const HttpEndpoint& ep);
  void park(std::unique_ptr<HttpConnection> conn);
};

}  // namespace refrun::etcd
