#include "rendezvous/c10d/store_client.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "rendezvous/c10d/message_fields.h"
#include "rendezvous/c10d/socket.h"

namespace refrun {

using nlohmann::json;
using std::chrono::milliseconds;

namespace {
std::string seconds(milliseconds ms) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}
}  // namespace

C10dStoreClient::C10dStoreClient(common::EventLoop& loop, C10dClientOptions options)
    : loop_(loop), options_(std::move(options)) {}

C10dStoreClient::~C10dStoreClient() {
  *alive_ = false;
  close();
}

void C10dStoreClient::stop_connecting() {
  if (connecting_fd_ >= 0) {
    loop_.unwatch_fd(connecting_fd_);
    ::close(connecting_fd_);
    connecting_fd_ = -1;
  }
  loop_.cancel_timer(retry_timer_);
  loop_.cancel_timer(connect_deadline_timer_);
  retry_timer_ = connect_deadline_timer_ = 0;
}

void C10dStoreClient::close() {
  stop_connecting();
  loop_.cancel_timer(keep_alive_timer_);
  keep_alive_timer_ = 0;
  for (auto& [id, p] : pending_) loop_.cancel_timer(p.timer);
  pending_.clear();
  if (conn_) conn_->close();
  lost_ = true;
}

void C10dStoreClient::connect(std::function<void()> done, Fail fail) {
  auto alive = alive_;
  connect_deadline_timer_ = loop_.add_timer(options_.connect_timeout, [this, fail] {
    connect_deadline_timer_ = 0;
    std::string why = "could not reach the rendezvous store at " + where() + " within " +
                      seconds(options_.connect_timeout) +
                      (last_connect_error_.empty() ? "" : " (" + last_connect_error_ + ")");
    stop_connecting();
    fail(why);
  });
  try_connect(std::move(done), std::move(fail), "");
}

void C10dStoreClient::try_connect(std::function<void()> done, Fail fail, std::string last_error) {
  last_connect_error_ = std::move(last_error);
  std::string err;
  int fd = start_connect(options_.host, options_.port, err, attempts_++);
  auto retry = [this, done, fail](const std::string& why) {
    retry_timer_ = loop_.add_timer(milliseconds(50), [this, done, fail, why] {
      retry_timer_ = 0;
      try_connect(done, fail, why);
    });
  };
  if (fd < 0) return retry(err);
  connecting_fd_ = fd;
  loop_.watch_fd(
      fd,
      [this, fd, done, retry](uint32_t) {
        int so_error = 0;
        socklen_t len = sizeof so_error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
        loop_.unwatch_fd(fd);
        connecting_fd_ = -1;
        if (so_error != 0) {
          ::close(fd);
          return retry(strerror(so_error));
        }
        connected_fd(fd, done);
      },
      EPOLLOUT);
}

void C10dStoreClient::connected_fd(int fd, std::function<void()> done) {
  stop_connecting();
  local_address_ = local_address_of(fd);
  last_rx_ = last_tick_ = common::EventLoop::Clock::now();
  lost_ = false;
  conn_ = std::make_unique<C10dConnection>(
      loop_, fd, options_.max_frame, [this](const json& msg) { on_frame(msg); },
      [this](const std::string& why) {
        lose(expelled_.empty()
                 ? "lost the connection to the rendezvous store at " + where() + " (" + why + ")"
                 : "the rendezvous store at " + where() + " removed this agent: " + expelled_);
      });
  keep_alive_timer_ = loop_.add_timer(options_.keep_alive_interval, [this] { keep_alive(); });
  done();
}

void C10dStoreClient::keep_alive() {
  keep_alive_timer_ = 0;
  auto now = common::EventLoop::Clock::now();
  // Firing this late means this process itself was stopped or starved: the
  // store had no chance to answer meanwhile, so it gets a fresh window.
  if (now - last_tick_ > 2 * options_.keep_alive_interval) last_rx_ = now;
  last_tick_ = now;
  auto silent = now - last_rx_;
  if (silent > options_.keep_alive_window) {
    return lose("the rendezvous store at " + where() + " stopped answering (nothing for " +
                seconds(std::chrono::duration_cast<milliseconds>(silent)) + ")");
  }
  if (conn_) conn_->send({{"op", "ping"}, {"id", 0}});
  keep_alive_timer_ = loop_.add_timer(options_.keep_alive_interval, [this] { keep_alive(); });
}

void C10dStoreClient::lose(const std::string& why) {
  if (lost_) return;
  lost_ = true;
  auto alive = alive_;
  loop_.cancel_timer(keep_alive_timer_);
  keep_alive_timer_ = 0;
  if (conn_) conn_->close();
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, p] : pending) {
    loop_.cancel_timer(p.timer);
    p.fail(why);
    if (!*alive) return;
  }
  if (on_lost_) on_lost_(why);
}

void C10dStoreClient::request(json req, milliseconds timeout, Reply done, Fail fail) {
  if (!connected() || lost_) return fail("not connected to the rendezvous store at " + where());
  uint64_t id = next_id_++;
  req["id"] = id;
  Pending p{std::move(done), std::move(fail), 0};
  if (timeout.count() > 0) {
    std::string op = req.value("op", "?");
    p.timer = loop_.add_timer(timeout, [this, id, op, timeout] {
      auto it = pending_.find(id);
      if (it == pending_.end()) return;
      auto f = std::move(it->second.fail);
      pending_.erase(it);
      f("the rendezvous store at " + where() + " did not answer '" + op + "' within " +
        seconds(timeout) + " (read_timeout)");
    });
  }
  pending_.emplace(id, std::move(p));
  conn_->send(req);
}

void C10dStoreClient::on_frame(const json& msg) {
  last_rx_ = common::EventLoop::Clock::now();
  if (msg.contains("push")) {
    if (msg["push"] == "expelled") {
      expelled_ = string_or(msg, "reason", "expelled");
      return;
    }
    if (on_push_) on_push_(msg);
    return;
  }
  if (!msg.contains("id") || !msg["id"].is_number_unsigned()) return;
  auto it = pending_.find(msg["id"].get<uint64_t>());
  if (it == pending_.end()) return;  // keep-alive answers, late replies
  Pending p = std::move(it->second);
  pending_.erase(it);
  loop_.cancel_timer(p.timer);
  if (bool_or(msg, "ok", false))
    p.done(msg);
  else
    p.fail("rendezvous store at " + where() + ": " + string_or(msg, "error", "request failed"));
}

}  // namespace refrun
