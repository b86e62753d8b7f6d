#include "rendezvous/etcd/http_client.h"

#include <cstdio>
#include <utility>

namespace refrun::etcd {

using std::chrono::milliseconds;

std::unique_ptr<HttpConnection> HttpClient::take_idle(const HttpEndpoint& ep) {
  for (auto it = idle_.begin(); it != idle_.end(); ++it) {
    if ((*it)->endpoint() == ep) {
      auto conn = std::move(*it);
      idle_.erase(it);
      return conn;
    }
  }
  return nullptr;
}

void HttpClient::park(std::unique_ptr<HttpConnection> conn) {
  if (idle_.size() >= kMaxIdle) return;  // dropped: closes it
  HttpConnection* raw = conn.get();
  idle_.push_back(std::move(conn));
  raw->park([this, raw] {
    for (auto it = idle_.begin(); it != idle_.end(); ++it)
      if (it->get() == raw) {
        idle_.erase(it);
        return;
      }
  });
}

HttpCall::HttpCall(HttpClient& client, HttpEndpoint ep, HttpRequest req,
                   common::EventLoop::Clock::duration timeout)
    : client_(client), ep_(std::move(ep)), req_(std::move(req)), timeout_(timeout) {}

HttpCall::~HttpCall() {
  if (deadline_) client_.loop_.cancel_timer(deadline_);
  if (resume_) client_.loop_.cancel_timer(resume_);
}

void HttpCall::await_suspend(std::coroutine_handle<> h) {
  waiter_ = h;
  deadline_ = client_.loop_.add_timer(timeout_, [this] {
    deadline_ = 0;
    if (resume_) client_.loop_.cancel_timer(resume_);
    resume_ = 0;
    conn_.reset();  // stops whatever it was doing
    double s = std::chrono::duration<double>(timeout_).count();
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", s);
    failure_ = HttpFailure{HttpFailure::Kind::kTimeout,
                           ep_.text() + " sent no complete answer to " + req_.method + " " +
                               req_.target.substr(0, 200) + " within " + secs + " s"};
    response_.reset();
    settle();
  });
  send();
}

void HttpCall::send() {
  conn_ = client_.take_idle(ep_);
  reused_ = conn_ != nullptr;
  if (!conn_) {
    HttpFailure f;
    conn_ = HttpConnection::open(client_.loop_, ep_, f);
    if (!conn_) return on_done(std::nullopt, f);
  }
  conn_->exchange(req_, client_.limits_, [this](std::optional<HttpResponse> r,
                                                std::optional<HttpFailure> f) {
    on_done(std::move(r), std::move(f));
  });
}

// Called from inside the connection's own callback: only record and
// schedule; the connection is dealt with from the loop.
void HttpCall::on_done(std::optional<HttpResponse> r, std::optional<HttpFailure> f) {
  response_ = std::move(r);
  failure_ = std::move(f);
  resume_ = client_.loop_.add_timer(milliseconds(0), [this] {
    resume_ = 0;
    if (failure_ && failure_->kind == HttpFailure::Kind::kStale && reused_) {
      // The server closed the idle connection as we reused it: once more on
      // a fresh one (nothing was processed).
      failure_.reset();
      conn_.reset();
      send();
      return;
    }
    if (response_ && conn_) {
      client_.local_address_ = conn_->local_address();
      if (conn_->reusable()) client_.park(std::move(conn_));
    }
    conn_.reset();
    if (deadline_) client_.loop_.cancel_timer(deadline_);
    deadline_ = 0;
    settle();
  });
}

void HttpCall::settle() {
  auto h = std::exchange(waiter_, {});
  if (h) h.resume();
}

HttpResponse HttpCall::await_resume() {
  if (failure_) {
    auto kind = failure_->kind == HttpFailure::Kind::kStale ? HttpFailure::Kind::kClosed
                                                            : failure_->kind;
    throw HttpError(kind, failure_->message);
  }
  return std::move(*response_);
}

}  // namespace refrun::etcd
