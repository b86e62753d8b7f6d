#include "rendezvous/c10d/store_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "common/free_port.h"
#include "rendezvous/c10d/socket.h"

namespace refrun {

using nlohmann::json;

// Per run id: its rounds, and which connection speaks for which node so the
// round's results reach the right socket.
struct C10dStoreServer::Run : RoundSink {
  C10dStoreServer& server;
  std::string run_id;
  std::unique_ptr<RoundStateMachine> rounds;
  common::EventLoop::TimerId timer = 0;
  std::map<std::string, uint64_t> node_client;
  std::map<std::string, json> pending_join;     // node -> request id
  std::map<std::string, json> pending_barrier;  // node -> request id
  std::string closed;  // why: the job failed on a node (op "close")

  Run(C10dStoreServer& s, std::string id) : server(s), run_id(std::move(id)) {}

  void reply(std::map<std::string, json>& pending, const std::string& node, json msg) {
    auto it = pending.find(node);
    auto client = node_client.find(node);
    if (it == pending.end() || client == node_client.end()) return;
    msg["id"] = it->second;
    pending.erase(it);
    server.send(client->second, msg);
  }
  void round_complete(const std::string& node, const RoundAssignment& a) override {
    reply(pending_join, node,
          {{"ok", true},
           {"round", a.round},
           {"group_rank", a.group_rank},
           {"group_world_size", a.group_world_size},
           {"rank_offset", a.rank_offset},
           {"world_size", a.world_size},
           {"restart_count", a.restart_count}});
  }
  void join_failed(const std::string& node, const std::string& error) override {
    reply(pending_join, node, {{"ok", false}, {"error", error}});
  }
  void membership_change(const std::string& node) override {
    auto client = node_client.find(node);
    if (client == node_client.end()) return;
    server.send(client->second, {{"push", "membership_change"},
                                 {"run_id", run_id},
                                 {"round", rounds->completed_rounds() - 1}});
  }
  void barrier_done(const std::string& node) override {
    reply(pending_barrier, node, {{"ok", true}});
  }
};

C10dStoreServer::C10dStoreServer(common::EventLoop& loop, int listen_fd, C10dServerOptions options)
    : loop_(loop), listen_fd_(listen_fd), port_(common::bound_port(listen_fd)), options_(options) {
  loop_.watch_fd(listen_fd_, [this](uint32_t) { accept_clients(); });
  last_tick_ = common::EventLoop::Clock::now();
  tick_timer_ = loop_.add_timer(options_.keep_alive_window / 4, [this] { tick(); });
}

C10dStoreServer::~C10dStoreServer() {
  close();
}

void C10dStoreServer::close() {
  if (listen_fd_ >= 0) {
    loop_.unwatch_fd(listen_fd_);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  loop_.cancel_timer(tick_timer_);
  tick_timer_ = 0;
  for (auto& [id, c] : clients_) loop_.cancel_timer(c.keep_alive_timer);
  clients_.clear();
  for (auto& [id, run] : runs_) loop_.cancel_timer(run->timer);
  runs_.clear();
  waiters_.clear();
}

size_t C10dStoreServer::connected_nodes() const {
  size_t n = 0;
  for (auto& [id, run] : runs_) n += run->node_client.size();
  return n;
}

void C10dStoreServer::accept_clients() {
  while (true) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a transient error: the loop tells us again
    uint64_t id = next_client_++;
    Client& c = clients_[id];
    c.last_rx = common::EventLoop::Clock::now();
    c.conn = std::make_unique<C10dConnection>(
        loop_, fd, options_.max_frame, [this, id](const json& msg) { on_frame(id, msg); },
        [this, id](const std::string&) { drop_client(id); });
    arm_keep_alive(id);
  }
}

void C10dStoreServer::arm_keep_alive(uint64_t id) {
  Client& c = clients_.at(id);
  auto due = c.last_rx + options_.keep_alive_window;
  c.keep_alive_timer = loop_.add_timer(due - common::EventLoop::Clock::now(), [this, id] {
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    auto now = common::EventLoop::Clock::now();
    check_stall(now);
    if (now - it->second.last_rx < options_.keep_alive_window) return arm_keep_alive(id);
    char why[96];
    snprintf(why, sizeof why, "missed its keep-alives (nothing for %.1f s; was it stopped?)",
             static_cast<double>(options_.keep_alive_window.count()) / 1000.0);
    it->second.conn->send({{"push", "expelled"}, {"reason", why}});
    it->second.keep_alive_timer = 0;
    drop_client(id);
  });
}

void C10dStoreServer::tick() {
  check_stall(common::EventLoop::Clock::now());
  tick_timer_ = loop_.add_timer(options_.keep_alive_window / 4, [this] { tick(); });
}

void C10dStoreServer::check_stall(common::EventLoop::Clock::time_point now) {
  // The tick runs every window/4; a much longer gap means this process was
  // stopped or starved, not that its clients went quiet: nobody could be
  // heard meanwhile, so every client gets a fresh window.
  if (now - last_tick_ > options_.keep_alive_window / 2)
    for (auto& [id, c] : clients_) c.last_rx = now;
  last_tick_ = now;
}

void C10dStoreServer::send(uint64_t client, const json& msg) {
  auto it = clients_.find(client);
  if (it != clients_.end()) it->second.conn->send(msg);
}

void C10dStoreServer::drop_client(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  // Keep the connection object alive until we return: we may be inside its
  // own close callback.
  auto conn = std::move(it->second.conn);
  conn->close();
  loop_.cancel_timer(it->second.keep_alive_timer);
  auto nodes = std::move(it->second.nodes);
  clients_.erase(it);
  waiters_.erase(std::remove_if(waiters_.begin(), waiters_.end(),
                                [&](const Waiter& w) { return w.client == id; }),
                 waiters_.end());
  auto now = common::EventLoop::Clock::now();
  for (auto& [run_id, node] : nodes) {
    auto r = runs_.find(run_id);
    if (r == runs_.end()) continue;
    Run& run = *r->second;
    run.node_client.erase(node);
    run.pending_join.erase(node);
    run.pending_barrier.erase(node);
    run.rounds->remove(node, now);
    reschedule(run);
  }
  // The connection object may be the one whose callback we are in: let the
  // loop destroy it after the callback returns.
  loop_.add_timer(std::chrono::milliseconds(0),
                  [c = std::shared_ptr<C10dConnection>(std::move(conn))] {});
  // A copy: the callback may replace itself.
  if (auto cb = on_disconnect_) cb();
}

void C10dStoreServer::reschedule(Run& run) {
  loop_.cancel_timer(run.timer);
  run.timer = 0;
  auto next = run.rounds->next_deadline();
  if (!next) return;
  auto delay =
      std::max(*next - common::EventLoop::Clock::now(), common::EventLoop::Clock::duration::zero());
  Run* r = &run;
  run.timer = loop_.add_timer(delay, [this, r] {
    r->timer = 0;
    r->rounds->tick(common::EventLoop::Clock::now());
    reschedule(*r);
  });
}

void C10dStoreServer::on_frame(uint64_t id, const json& msg) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  it->second.last_rx = common::EventLoop::Clock::now();
  json reply;
  bool deferred = false;
  try {
    reply = handle(id, msg, deferred);
  } catch (const json::exception& e) {
    reply = {{"ok", false}, {"error", std::string("bad request: ") + e.what()}};
  }
  if (deferred) return;
  reply["id"] = msg.contains("id") ? msg["id"] : json(nullptr);
  send(id, reply);
}

json C10dStoreServer::handle(uint64_t id, const json& msg, bool& deferred) {
  std::string op = msg.at("op").get<std::string>();
  if (op == "ping") return {{"ok", true}};
  if (op == "set") {
    kv_[msg.at("key").get<std::string>()] = msg.at("value").get<std::string>();
    key_changed();
    return {{"ok", true}};
  }
  if (op == "get") {
    auto it = kv_.find(msg.at("key").get<std::string>());
    if (it == kv_.end()) return {{"ok", true}, {"found", false}};
    return {{"ok", true}, {"found", true}, {"value", it->second}};
  }
  if (op == "cas") {
    // expected null: the key must not exist yet.
    std::string key = msg.at("key").get<std::string>();
    const json& expected = msg.at("expected");
    auto it = kv_.find(key);
    bool match = expected.is_null() ? it == kv_.end()
                                    : it != kv_.end() && it->second == expected.get<std::string>();
    if (match) {
      kv_[key] = msg.at("desired").get<std::string>();
      key_changed();
    }
    it = kv_.find(key);
    json r = {{"ok", true}, {"swapped", match}};
    r["value"] = it == kv_.end() ? json(nullptr) : json(it->second);
    return r;
  }
  if (op == "add") {
    std::string key = msg.at("key").get<std::string>();
    long long delta = msg.at("delta").get<long long>();
    long long value = 0;
    auto it = kv_.find(key);
    if (it != kv_.end()) {
      size_t used = 0;
      try {
        value = std::stoll(it->second, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != it->second.size())
        return {{"ok", false}, {"error", "key '" + key + "' does not hold an integer"}};
    }
    value += delta;
    kv_[key] = std::to_string(value);
    key_changed();
    return {{"ok", true}, {"value", value}};
  }
  if (op == "wait") {
    Waiter w{id, msg.contains("id") ? msg["id"] : json(nullptr),
             msg.at("keys").get<std::vector<std::string>>()};
    waiters_.push_back(std::move(w));
    deferred = true;
    key_changed();  // answers at once when the keys are already there
    return {};
  }
  if (op == "join") return handle_join(id, msg, deferred);
  if (op == "barrier") return handle_barrier(id, msg, deferred);
  if (op == "close") return handle_close(id, msg);
  return {{"ok", false}, {"error", "unknown op '" + op + "'"}};
}

void C10dStoreServer::key_changed() {
  for (size_t i = 0; i < waiters_.size();) {
    Waiter& w = waiters_[i];
    bool all = std::all_of(w.keys.begin(), w.keys.end(),
                           [&](const std::string& k) { return kv_.count(k) != 0; });
    if (!all) {
      ++i;
      continue;
    }
    json values = json::object();
    for (auto& k : w.keys) values[k] = kv_[k];
    json reply = {{"id", w.id}, {"ok", true}, {"values", values}};
    uint64_t client = w.client;
    waiters_.erase(waiters_.begin() + static_cast<long>(i));
    send(client, reply);
  }
}

json C10dStoreServer::handle_join(uint64_t id, const json& msg, bool& deferred) {
  std::string run_id = msg.at("run_id").get<std::string>();
  RoundNode node{msg.at("node").get<std::string>(), msg.at("nproc").get<int>(),
                 msg.at("restart_count").get<int>()};
  int min_nodes = msg.at("min").get<int>();
  int max_nodes = msg.at("max").get<int>();
  auto last_call = std::chrono::milliseconds(msg.at("last_call_ms").get<long long>());
  auto join_timeout = std::chrono::milliseconds(msg.at("join_timeout_ms").get<long long>());
  if (min_nodes < 1 || max_nodes < min_nodes || node.nproc < 1 || node.restart_count < 0)
    return {{"ok", false}, {"error", "join with invalid min/max/nproc/restart_count"}};
  auto& slot = runs_[run_id];
  if (!slot) {
    slot = std::make_unique<Run>(*this, run_id);
    slot->rounds =
        std::make_unique<RoundStateMachine>(run_id, min_nodes, max_nodes, last_call, *slot);
  }
  Run& run = *slot;
  if (!run.closed.empty())
    return {{"ok", false}, {"error", "rendezvous '" + run_id + "' is closed: " + run.closed}};
  auto owner = run.node_client.find(node.id);
  if (owner != run.node_client.end() && owner->second != id)
    return {{"ok", false}, {"error", "node id '" + node.id + "' is already taken"}};
  run.node_client[node.id] = id;
  auto& nodes = clients_.at(id).nodes;
  if (std::find(nodes.begin(), nodes.end(), std::make_pair(run_id, node.id)) == nodes.end())
    nodes.emplace_back(run_id, node.id);
  run.pending_join[node.id] = msg.contains("id") ? msg["id"] : json(nullptr);
  std::string err =
      run.rounds->join(node, min_nodes, max_nodes, join_timeout, common::EventLoop::Clock::now());
  if (!err.empty()) {
    run.pending_join.erase(node.id);
    return {{"ok", false}, {"error", err}};
  }
  reschedule(run);
  deferred = true;
  return {};
}

json C10dStoreServer::handle_barrier(uint64_t id, const json& msg, bool& deferred) {
  std::string run_id = msg.at("run_id").get<std::string>();
  std::string node = msg.at("node").get<std::string>();
  int round = msg.at("round").get<int>();
  auto r = runs_.find(run_id);
  if (r == runs_.end()) return {{"ok", false}, {"error", "unknown run id '" + run_id + "'"}};
  Run& run = *r->second;
  auto owner = run.node_client.find(node);
  if (owner == run.node_client.end() || owner->second != id)
    return {{"ok", false}, {"error", "node '" + node + "' is not joined on this connection"}};
  run.pending_barrier[node] = msg.contains("id") ? msg["id"] : json(nullptr);
  run.rounds->barrier(node, round, common::EventLoop::Clock::now());
  reschedule(run);
  deferred = true;
  return {};
}

// A node's job failed: the run is closed for good. Every other agent of the
// run is told (a push), joins waiting for a round fail, later ones too.
json C10dStoreServer::handle_close(uint64_t id, const json& msg) {
  std::string run_id = msg.at("run_id").get<std::string>();
  std::string node = msg.at("node").get<std::string>();
  std::string reason = msg.at("reason").get<std::string>();
  auto r = runs_.find(run_id);
  if (r == runs_.end()) return {{"ok", true}};  // nobody else to tell
  Run& run = *r->second;
  auto owner = run.node_client.find(node);
  if (owner == run.node_client.end() || owner->second != id)
    return {{"ok", false}, {"error", "node '" + node + "' is not joined on this connection"}};
  if (!run.closed.empty()) return {{"ok", true}};
  run.closed = reason;
  for (auto& [other, client] : run.node_client)
    if (other != node) send(client, {{"push", "closed"}, {"run_id", run_id}, {"reason", reason}});
  auto joins = std::move(run.pending_join);
  run.pending_join.clear();
  for (auto& [other, req] : joins) {
    auto client = run.node_client.find(other);
    if (client != run.node_client.end())
      send(client->second, {{"id", req},
                            {"ok", false},
                            {"error", "rendezvous '" + run_id + "' is closed: " + reason}});
  }
  return {{"ok", true}};
}

}  // namespace refrun
