#include "rendezvous/c10d_rendezvous.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "common/free_port.h"
#include "input_limits.h"
#include "rendezvous/c10d/message_fields.h"

namespace refrun {

using nlohmann::json;
using std::chrono::milliseconds;

namespace {

constexpr int kDefaultPort = 29400;

std::string make_node_id() {
  static std::atomic<int> counter{0};
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
}

}  // namespace

C10dRendezvous::C10dRendezvous(common::EventLoop& loop, const RendezvousParams& params)
    : loop_(loop),
      params_(params),
      conf_(parse_c10d_conf(params.conf)),
      endpoint_(parse_c10d_endpoint(params.endpoint, kDefaultPort)),
      node_id_(make_node_id()) {
  if (params.min_nodes < 1 || params.max_nodes < params.min_nodes)
    throw std::runtime_error("invalid --nnodes " + std::to_string(params.min_nodes) + ":" +
                             std::to_string(params.max_nodes));
  if (params.run_id.empty()) throw std::runtime_error("the c10d backend needs a --rdzv-id");
  // Like upstream: the agent on the endpoint's host that can bind the port
  // hosts the store; is_host forces the choice either way.
  if (conf_.is_host.value_or(true)) {
    std::string err;
    bool in_use = false;
    int fd = listen_c10d(endpoint_.host, endpoint_.port, err, in_use);
    if (fd >= 0) {
      C10dServerOptions opts;
      opts.keep_alive_window = conf_.keep_alive_window();
      // A job of up to MAX agents needs MAX connections (each agent holds
      // one): the fixed 1024 refused the 1025th agent of --nnodes=1:2000.
      // Still at most 3/4 of RLIMIT_NOFILE (the server's own bound).
      opts.max_clients =
          std::max<size_t>(opts.max_clients, static_cast<size_t>(params.max_nodes) + 64);
      server_ = std::make_unique<C10dStoreServer>(loop_, fd, opts);
      endpoint_.port = server_->port();
    } else if (conf_.is_host.value_or(false)) {
      throw std::runtime_error("cannot host the rendezvous store (is_host=1): " + err);
    }
  }
  if (endpoint_.port == 0)
    throw std::runtime_error("--rdzv-endpoint " + params.endpoint +
                             ": port 0 only works for the agent that hosts the store");
  C10dClientOptions copts;
  copts.host = endpoint_.host;
  copts.port = endpoint_.port;
  copts.connect_timeout = conf_.timeout;
  copts.keep_alive_interval = conf_.keep_alive_interval;
  copts.keep_alive_window = conf_.keep_alive_window();
  client_ = std::make_unique<C10dStoreClient>(loop_, copts);
  client_->set_on_push([this](const json& msg) { on_push(msg); });
  client_->set_on_lost([this](const std::string& why) { on_lost(why); });
}

C10dRendezvous::~C10dRendezvous() {
  *alive_ = false;
  shutdown();
}

void C10dRendezvous::post(std::function<void()> f) {
  // User callbacks run from the loop, never inside our own socket handling,
  // so the agent may call shutdown() or destroy us from them.
  std::weak_ptr<bool> alive = alive_;
  loop_.add_timer(milliseconds(0), [this, alive, f = std::move(f)] {
    if (alive.lock() && state_ != State::kDone) f();
  });
}

void C10dRendezvous::next_round(int restart_count, Done done, Fail fail) {
  if (state_ == State::kDone) return post([fail] { fail("rendezvous is shut down"); });
  if (!lost_.empty()) return post([this, fail] { fail(lost_); });
  if (!closed_.empty())
    return post([this, fail] { fail("rendezvous '" + params_.run_id + "' is closed: " + closed_); });
  state_ = State::kJoining;
  if (client_->connected()) return join(restart_count, std::move(done), std::move(fail));
  client_->connect([this, restart_count, done, fail] { join(restart_count, done, fail); },
                   [this, fail](const std::string& why) {
                     lost_ = why;
                     post([fail, why] { fail(why); });
                   });
}

void C10dRendezvous::join(int restart_count, Done done, Fail fail) {
  // Remembered so a round that breaks before it is delivered can be joined
  // again without the agent noticing; replies to older attempts are stale.
  uint64_t gen = ++gen_;
  restart_count_ = restart_count;
  done_ = done;
  fail_ = fail;
  json req = {{"op", "join"},
              {"run_id", params_.run_id},
              {"node", node_id_},
              {"nproc", params_.nproc_per_node},
              {"restart_count", restart_count},
              {"min", params_.min_nodes},
              {"max", params_.max_nodes},
              {"last_call_ms", conf_.last_call_timeout.count()},
              {"join_timeout_ms", conf_.join_timeout.count()}};
  // The store enforces join_timeout; the extra window covers a store that
  // hangs (its keep-alives stop and on_lost fires first anyway).
  auto limit = conf_.join_timeout + conf_.keep_alive_window() + conf_.read_timeout;
  client_->request(
      req, limit,
      [this, gen, done, fail](const json& r) {
        if (gen != gen_) return;
        try {
          result_ = round_from_reply(r);
        } catch (const BadMessage& e) {
          state_ = State::kIdle;
          std::string why = malformed("join", e.what());
          return post([fail, why] { fail(why); });
        }
        state_ = State::kResolving;
        resolve_master(gen, done, fail);
      },
      [this, gen, fail](const std::string& why) {
        if (gen != gen_) return;
        state_ = State::kIdle;
        post([fail, why] { fail(why); });
      });
}

void C10dRendezvous::resolve_master(uint64_t gen, Done done, Fail fail) {
  std::string key =
      "rdzv/" + params_.run_id + "/round/" + std::to_string(result_.round) + "/master";
  auto failed = [this, gen, fail](const std::string& why) {
    if (gen != gen_) return;
    state_ = State::kIdle;
    post([fail, why] { fail(why); });
  };
  if (result_.group_rank == 0) {
    // Node rank 0 picks MASTER_ADDR/PORT: its advertised address (or the one
    // it reaches the store from) and a port free right now.
    std::string addr = params_.local_addr.empty() ? client_->local_address() : params_.local_addr;
    int port = 0;
    try {
      port = common::pick_free_port(addr);
    } catch (const std::exception& e) {
      return failed(std::string("cannot choose MASTER_PORT: ") + e.what());
    }
    result_.master_addr = addr;
    result_.master_port = port;
    json value = {{"addr", addr}, {"port", port}};
    client_->request(
        {{"op", "set"}, {"key", key}, {"value", value.dump()}}, conf_.read_timeout,
        [this, gen, done](const json&) {
          if (gen == gen_) running(done);
        },
        failed);
    return;
  }
  client_->request(
      {{"op", "wait"}, {"keys", {key}}}, conf_.read_timeout,
      [this, gen, key, done, failed](const json& r) {
        if (gen != gen_) return;
        try {
          auto values = r.find("values");
          if (values == r.end() || !values->is_object()) throw BadMessage("'values' is missing");
          json value = json::parse(string_field(*values, key.c_str()), nullptr, false);
          if (!value.is_object()) throw BadMessage("the value is not a JSON object");
          result_.master_addr = string_field(value, "addr");
          result_.master_port = static_cast<int>(int_field(value, "port", 1, 65535));
        } catch (const BadMessage& e) {
          return failed("rendezvous store at " + client_->where() +
                        " holds a malformed master address under " + key + ": " + e.what());
        }
        running(done);
      },
      failed);
}

// Every field range-checked and consistent, so no int arithmetic on them
// (ranks, offsets) can overflow; BadMessage names the first bad one.
RendezvousResult C10dRendezvous::round_from_reply(const json& r) const {
  RendezvousResult out;
  out.round = static_cast<int>(int_field(r, "round", 0, INT32_MAX));
  out.group_world_size = static_cast<int>(int_field(r, "group_world_size", 1, kMaxWorldSize));
  out.group_rank = static_cast<int>(int_field(r, "group_rank", 0, out.group_world_size - 1));
  out.world_size = static_cast<int>(int_field(r, "world_size", 1, kMaxWorldSize));
  out.rank_offset = static_cast<int>(
      int_field(r, "rank_offset", 0, out.world_size - params_.nproc_per_node));
  out.restart_count = static_cast<int>(int_field(r, "restart_count", 0, 1 << 30));
  out.use_agent_store = false;
  return out;
}

std::string C10dRendezvous::malformed(const std::string& op, const std::string& why) const {
  return "the rendezvous store at " + client_->where() + " sent a malformed reply to '" + op +
         "': " + why;
}

void C10dRendezvous::running(Done done) {
  state_ = State::kRunning;
  done_ = nullptr;
  fail_ = nullptr;
  RendezvousResult result = result_;
  post([done, result] { done(result); });
}

void C10dRendezvous::on_push(const json& msg) {
  std::string push = string_or(msg, "push", "");
  if (push == "closed") return on_closed_push(msg);
  if (push != "membership_change" || !closed_.empty()) return;
  if (int_or(msg, "round", -1) != result_.round) return;
  if (state_ == State::kResolving) {
    // The round broke before this agent got its master address (e.g. node
    // rank 0 died before publishing it): join the next one instead.
    state_ = State::kJoining;
    join(std::max(restart_count_, result_.restart_count), done_, fail_);
    return;
  }
  if (state_ != State::kRunning) return;
  post([this] {
    if (state_ == State::kRunning && on_change_) on_change_();
  });
}

void C10dRendezvous::on_lost(const std::string& why) {
  lost_ = why;
  // Pending requests already failed with the reason; while workers run the
  // agent is told the rendezvous is gone (not a membership change: there
  // is no next round to restart into).
  if (state_ == State::kRunning)
    post([this, why] {
      if (on_lost_) on_lost_(why);
    });
}

void C10dRendezvous::on_closed_push(const json& msg) {
  if (string_or(msg, "run_id", "") != params_.run_id || !closed_.empty()) return;
  closed_ = string_or(msg, "reason", "another node failed");
  // A join in progress is failed by the store itself; running workers and
  // the exit barrier hear it here.
  if (state_ == State::kRunning || state_ == State::kBarrier)
    post([this] {
      if (on_closed_) on_closed_(closed_);
    });
}

void C10dRendezvous::close_failed(const std::string& why, std::function<void()> done) {
  if (!client_ || !client_->connected() || !lost_.empty()) return post(done);
  std::string reason =
      "node rank " + std::to_string(result_.group_rank) + " (" + node_id_ + "): " + why;
  // The store host stays up until the others heard it and left (bounded by
  // close_timeout), so the news is not lost with the store.
  auto told = [this, done] { wait_for_others(done); };
  client_->request(
      {{"op", "close"}, {"run_id", params_.run_id}, {"node", node_id_}, {"reason", reason}},
      conf_.read_timeout, [told](const json&) { told(); },
      [told](const std::string&) { told(); });
}

void C10dRendezvous::exit_barrier(std::function<void()> done, Fail fail) {
  if (!lost_.empty()) return post([this, fail] { fail(lost_); });
  state_ = State::kBarrier;
  client_->request(
      {{"op", "barrier"}, {"run_id", params_.run_id}, {"node", node_id_}, {"round", result_.round}},
      milliseconds(0), [this, done](const json&) { wait_for_others(done); },
      [this, fail](const std::string& why) { post([fail, why] { fail(why); }); });
}

void C10dRendezvous::wait_for_others(std::function<void()> done) {
  if (!server_) return post(done);
  // The host keeps the store up until the other agents have left (they
  // may still read from it; other run ids may share this endpoint),
  // bounded by close_timeout.
  auto check = [this, done] {
    if (server_->connected_nodes() > 1) return false;
    loop_.cancel_timer(close_timer_);
    close_timer_ = 0;
    server_->set_on_disconnect(nullptr);
    post(done);
    return true;
  };
  if (check()) return;
  server_->set_on_disconnect([check] { check(); });
  close_timer_ = loop_.add_timer(conf_.close_timeout, [this, done] {
    close_timer_ = 0;
    server_->set_on_disconnect(nullptr);
    post(done);
  });
}

void C10dRendezvous::shutdown() {
  if (state_ == State::kDone && !client_ && !server_) return;
  state_ = State::kDone;
  loop_.cancel_timer(close_timer_);
  close_timer_ = 0;
  if (client_) client_->close();
  client_.reset();
  if (server_) server_->close();
  server_.reset();
}

std::unique_ptr<Rendezvous> make_c10d_rendezvous(common::EventLoop& loop,
                                                 const RendezvousParams& params) {
  return std::make_unique<C10dRendezvous>(loop, params);
}

}  // namespace refrun
