#include "rendezvous/c10d/store_server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <stdexcept>

#include "common/free_port.h"
#include "input_limits.h"
#include "rendezvous/c10d/message_fields.h"
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

namespace {

constexpr size_t kMaxNameLength = 256;
constexpr size_t kMaxNodesPerClient = 16;
constexpr size_t kMaxCloseReason = 4096;

size_t client_cap(size_t wanted) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return wanted;
  // A quarter of the table stays for the host itself (its workers' pipes,
  // pidfds and logs: a few per worker); clients were held to a quarter
  // before, which stopped a 10000-agent job at 5000 under a 20000 limit.
  return std::max<size_t>(1, std::min<size_t>(wanted, lim.rlim_cur / 4 * 3));
}

// Requests and waits are answered with the id they came with: a number, a
// short string or null, never a structure to copy.
bool valid_id(const json& id) {
  return id.is_null() || id.is_number() ||
         (id.is_string() && id.get_ref<const std::string&>().size() <= 64);
}
}  // namespace

C10dStoreServer::C10dStoreServer(common::EventLoop& loop, int listen_fd, C10dServerOptions options)
    : loop_(loop),
      listen_fd_(listen_fd),
      port_(common::bound_port(listen_fd)),
      options_(options),
      max_clients_(client_cap(options.max_clients)),
      kv_(options.quotas, options.max_frame,
          [this](uint64_t client, const json& reply) { send(client, reply); }) {
  reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
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
  if (reserve_fd_ >= 0) ::close(reserve_fd_);
  reserve_fd_ = -1;
  loop_.cancel_timer(accept_pause_timer_);
  accept_pause_timer_ = 0;
  loop_.cancel_timer(tick_timer_);
  tick_timer_ = 0;
  for (auto& [id, c] : clients_) loop_.cancel_timer(c.keep_alive_timer);
  clients_.clear();
  for (auto& [id, run] : runs_) loop_.cancel_timer(run->timer);
  runs_.clear();
}

size_t C10dStoreServer::connected_nodes() const {
  size_t n = 0;
  for (auto& [id, run] : runs_) n += run->node_client.size();
  return n;
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
  kv_.drop_client(id);
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
    // Forgotten with its last agent, so run ids cannot pile up in memory.
    if (run.node_client.empty() && run.rounds->empty()) {
      loop_.cancel_timer(run.timer);
      runs_.erase(r);
    }
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
  auto req_id = msg.find("id");
  bool id_ok = req_id == msg.end() || valid_id(*req_id);
  try {
    if (!id_ok) throw BadMessage("'id' must be a number, a short string or null");
    reply = handle(id, msg, deferred);
  } catch (const BadMessage& e) {
    reply = {{"ok", false}, {"error", std::string("bad request: ") + e.what()}};
  } catch (const json::exception&) {
    reply = {{"ok", false}, {"error", "bad request: malformed message"}};
  }
  if (deferred) return;
  reply["id"] = id_ok && req_id != msg.end() ? *req_id : json(nullptr);
  send(id, reply);
}

json C10dStoreServer::handle(uint64_t id, const json& msg, bool& deferred) {
  std::string op = string_field(msg, "op");
  if (op == "ping") return {{"ok", true}};
  if (op == "join") return handle_join(id, msg, deferred);
  if (op == "barrier") return handle_barrier(id, msg, deferred);
  if (op == "close") return handle_close(id, msg);
  if (!C10dKeyValue::is_kv_op(op)) return {{"ok", false}, {"error", "unknown op '" + op + "'"}};
  auto reply = kv_.handle(id, op, msg, msg.contains("id") ? msg["id"] : json(nullptr));
  deferred = !reply;
  return reply.value_or(json());
}

json C10dStoreServer::handle_join(uint64_t id, const json& msg, bool& deferred) {
  // Every number is bounded before the round adds or multiplies with it:
  // durations as the --rdzv-conf parser allows them (in ms), nproc as
  // refrun's cap, restart counts well short of INT_MAX (agents add 1).
  constexpr long long kMaxMs = static_cast<long long>(kMaxSeconds * 1000);
  std::string run_id = string_field(msg, "run_id");
  RoundNode node{string_field(msg, "node"),
                 static_cast<int>(int_field(msg, "nproc", 1, kMaxNprocPerNode)),
                 static_cast<int>(int_field(msg, "restart_count", 0, 1 << 30))};
  int min_nodes = static_cast<int>(int_field(msg, "min", 1, kMaxWorldSize));
  int max_nodes = static_cast<int>(int_field(msg, "max", min_nodes, kMaxWorldSize));
  auto last_call = std::chrono::milliseconds(int_field(msg, "last_call_ms", 1, kMaxMs));
  auto join_timeout = std::chrono::milliseconds(int_field(msg, "join_timeout_ms", 1, kMaxMs));
  // Names are short (run ids are at most 200 characters, node ids a host
  // name and two numbers), and a connection speaks for a few nodes only,
  // so joins cannot pile up run ids in memory.
  if (run_id.empty() || run_id.size() > kMaxNameLength || node.id.empty() ||
      node.id.size() > kMaxNameLength)
    throw BadMessage("'run_id' and 'node' must have 1 to " + std::to_string(kMaxNameLength) +
                     " characters");
  auto& nodes = clients_.at(id).nodes;
  bool known = std::find(nodes.begin(), nodes.end(), std::make_pair(run_id, node.id)) != nodes.end();
  if (!known && nodes.size() >= kMaxNodesPerClient)
    return {{"ok", false},
            {"error", "quota exceeded: this connection already speaks for " +
                          std::to_string(kMaxNodesPerClient) + " nodes"}};
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
  if (!known) nodes.emplace_back(run_id, node.id);
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
  std::string run_id = string_field(msg, "run_id");
  std::string node = string_field(msg, "node");
  int round = static_cast<int>(int_field(msg, "round", 0, INT32_MAX));
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
  std::string run_id = string_field(msg, "run_id");
  std::string node = string_field(msg, "node");
  // Pushed to every other agent and kept with the run: a few lines at most.
  std::string reason = string_field(msg, "reason").substr(0, kMaxCloseReason);
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
