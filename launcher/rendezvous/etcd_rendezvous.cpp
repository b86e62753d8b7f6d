#include "rendezvous/etcd_rendezvous.h"

#include <cstdio>

#include "common/free_port.h"

namespace refrun {

using namespace std::chrono_literals;
using etcd::EtcdApiError;
using etcd::Task;

namespace {

using Clock = common::EventLoop::Clock;

constexpr auto kRequestTimeout = 5s;
// The keep-alive key lives kKeepAliveTtl (10 s) as torchrun's; refrun renews
// it every third of that (torchrun: half), each try bounded to 2 s, so one
// leader election (about a second) plus a write that times out in it cannot
// let the key lapse.
constexpr auto kKeepAliveEvery = std::chrono::milliseconds(etcd::kKeepAliveTtl * 1000 / 3);
constexpr auto kKeepAliveTry = 2s;
constexpr auto kRunDirEvery = std::chrono::seconds(etcd::kRunDirTtl / 2);
// A running round's watch is re-issued this often, so a member that stops
// answering without closing the connection is noticed.
constexpr auto kRunningWatch = 15s;
// torchrun's store timeout for the agent-level exchanges (300 s).
constexpr auto kStoreTimeout = 300s;
constexpr auto kCloseTimeout = 3s;

std::string describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown error";
  }
}

// Errors after which the store is not worth talking to at shutdown.
bool store_is_broken(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const etcd::EtcdUnavailable&) {
    return true;
  } catch (const etcd::EtcdBadAnswer&) {
    return true;
  } catch (const etcd::EtcdBadState&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

// "etcd at H:P: why" -> "why", to name the store once in a longer line.
std::string EtcdRendezvous::strip_store(const std::string& message) const {
  const std::string& store = etcd_.store();
  if (message.rfind(store + ": ", 0) == 0) return message.substr(store.size() + 2);
  return message;
}

EtcdRendezvous::EtcdRendezvous(common::EventLoop& loop, const RendezvousParams& params)
    : loop_(loop),
      params_(params),
      conf_(etcd::parse_etcd_conf(params)),
      etcd_(loop, conf_.endpoint, kRequestTimeout),
      proto_(etcd_, conf_, params.run_id, params.min_nodes, params.max_nodes,
             {[this](const std::string& key) { start_keep_alive(key); },
              [this] { keep_alive_.reset(); }}) {
  if (params.min_nodes < 1 || params.max_nodes < params.min_nodes)
    throw std::runtime_error("invalid --nnodes " + std::to_string(params.min_nodes) + ":" +
                             std::to_string(params.max_nodes));
}

EtcdRendezvous::~EtcdRendezvous() {
  *alive_ = false;
  shutdown();
}

void EtcdRendezvous::post(std::function<void()> f) {
  std::weak_ptr<bool> alive = alive_;
  loop_.add_timer(0ms, [alive, f = std::move(f)] {
    if (alive.lock()) f();
  });
}

void EtcdRendezvous::next_round(int restart_count, Done done, Fail fail) {
  if (state_ == State::kDone) return post([fail] { fail("rendezvous is shut down"); });
  if (!lost_.empty()) return post([this, fail] { fail(lost_); });
  state_ = State::kJoining;
  watcher_.reset();
  fail_ = fail;
  round_ = std::make_unique<RootTask>(loop_, join_round(restart_count),
                                      [this, done, fail](std::exception_ptr e) {
                                        if (state_ != State::kJoining) return;
                                        if (e) {
                                          state_ = State::kIdle;
                                          store_failed_ = store_failed_ || store_is_broken(e);
                                          return fail(describe(e));
                                        }
                                        state_ = State::kRunning;
                                        start_watch();
                                        done(result_);
                                      });
}

Task<void> EtcdRendezvous::join_round(int restart_count) {
  if (!set_up_) {
    co_await etcd_.discover();
    co_await proto_.setup();
    set_up_ = true;
    run_dir_ = std::make_unique<RootTask>(loop_, refresh_run_dir(), [](std::exception_ptr) {});
  }
  etcd::Joined j = co_await proto_.rendezvous_barrier();
  joined_ = j;
  barrier_passed_ = false;
  kv_ = std::make_unique<etcd::EtcdKv>(etcd_, proto_.path("/rdzv/v_" + j.version + "/kv"));
  co_await kv_->create();
  auto timeout = std::min<Clock::duration>(conf_.timeout, kStoreTimeout);
  etcd::RankLayout layout = co_await etcd::share_and_gather(
      *kv_, j.rank, j.world, params_.role, params_.nproc_per_node, timeout);
  if (j.rank == 0) {
    // Like c10d: --local-addr, else the address this node reaches the
    // store from (torchrun: its FQDN); a port free right now.
    std::string addr = params_.local_addr.empty() ? etcd_.local_address() : params_.local_addr;
    int port = common::pick_free_port(addr);
    co_await etcd::publish_master(*kv_, addr, port);
  }
  auto master = co_await etcd::read_master(*kv_, timeout);
  result_ = RendezvousResult{};
  result_.group_rank = j.rank;
  result_.group_world_size = j.world;
  result_.rank_offset = layout.rank_offset;
  result_.world_size = layout.world_size;
  result_.master_addr = master.first;
  result_.master_port = master.second;
  // Per agent, as torchrun's (max_restarts - remaining_restarts).
  result_.restart_count = restart_count;
  result_.round = std::atoi(j.version.c_str());
  result_.use_agent_store = false;
}

void EtcdRendezvous::start_keep_alive(const std::string& key) {
  keep_alive_key_ = key;
  keep_alive_ = std::make_unique<RootTask>(loop_, keep_alive(key), [this](std::exception_ptr e) {
    if (e) lose(e);
  });
}

Task<void> EtcdRendezvous::keep_alive(std::string key) {
  auto last_ok = Clock::now();
  std::string last_error;
  for (;;) {
    bool ok = false;
    try {
      etcd::EtcdWrite w;
      w.ttl = etcd::kKeepAliveTtl;
      w.refresh = true;
      w.prev_exist = true;
      co_await etcd_.put(key, w, Clock::duration(kKeepAliveTry));
      ok = true;
    } catch (const EtcdApiError& e) {
      if (e.code() == EtcdApiError::kKeyNotFound)
        throw etcd::EtcdError(etcd_.store() + ": this agent's keep-alive key " + key +
                              " expired: the other agents count it as gone");
      last_error = e.what();
    } catch (const etcd::EtcdUnavailable& e) {
      last_error = e.what();
    }
    if (ok) {
      last_ok = Clock::now();
      co_await etcd::sleep_for(loop_, kKeepAliveEvery);
      continue;
    }
    if (Clock::now() - last_ok >= std::chrono::seconds(etcd::kKeepAliveTtl))
      throw etcd::EtcdUnavailable(etcd_.store() + ": could not renew this agent's keep-alive for " +
                                  std::to_string(etcd::kKeepAliveTtl) + " s; last: " +
                                  strip_store(last_error));
    co_await etcd::sleep_for(loop_, 1s);
  }
}

Task<void> EtcdRendezvous::refresh_run_dir() {
  for (;;) {
    // torchrun's lease on the run's directory (2 h, renewed hourly); it
    // stops when the directory is gone.
    etcd::EtcdWrite w;
    w.ttl = etcd::kRunDirTtl;
    w.refresh = true;
    w.prev_exist = true;
    try {
      co_await etcd_.put(proto_.path("/"), w);
    } catch (const EtcdApiError& e) {
      if (e.code() == EtcdApiError::kKeyNotFound) co_return;
    } catch (const etcd::EtcdUnavailable&) {
    }
    co_await etcd::sleep_for(loop_, kRunDirEvery);
  }
}

void EtcdRendezvous::start_watch() {
  watcher_ = std::make_unique<RootTask>(loop_, watch_round(joined_->version),
                                        [this](std::exception_ptr e) {
                                          if (e) return lose(e);
                                          if (state_ == State::kRunning && on_change_) on_change_();
                                        });
}

// Returns when the running round must end for a new one (an agent waits to
// join, a member's keep-alive key expired, the version was destroyed);
// throws when the rendezvous is gone for good (closed, garbage).
Task<void> EtcdRendezvous::watch_round(std::string version) {
  std::string ranks = proto_.path("/rdzv/v_" + version + "/rank_");
  for (;;) {
    bool wait = false;
    try {
      etcd::RdzvState state = co_await proto_.get_rdzv_state();
      if (state.status() == "closed")
        throw etcd::RendezvousClosed(etcd_.store() + ": another agent closed the rendezvous of run " +
                                     params_.run_id + " (its job ended)");
      if (!state.is("final", version) || state.num_workers_waiting() > 0) co_return;
      // A key that expired before this watch began would send no event:
      // compare the members' keys with the live ones first, as a waiting
      // agent does (wait_for_rendezvous_to_free).
      etcd::EtcdAnswer live = co_await etcd_.get(proto_.path("/rdzv/v_" + version));
      for (const auto& k : state.keep_alives()) {
        bool found = false;
        for (const auto& n : live.node.nodes) found = found || n.key == k;
        if (!found && k == keep_alive_key_)
          throw etcd::EtcdError(etcd_.store() + ": this agent's keep-alive key " + k + " is gone");
        if (!found) co_return;
      }
      auto event = co_await etcd_.watch(proto_.path("/rdzv"), state.etcd_index + 1, true,
                                        Clock::duration(kRunningWatch));
      if (event && event->node.key.rfind(ranks, 0) == 0 && event->action != "set" &&
          event->action != "update" && event->action != "create") {
        if (event->node.key == keep_alive_key_)
          throw etcd::EtcdError(etcd_.store() + ": this agent's keep-alive key " +
                                keep_alive_key_ + " was removed (" + event->action + ")");
        co_return;  // a member stopped renewing its key
      }
    } catch (const EtcdApiError& e) {
      if (e.code() == EtcdApiError::kKeyNotFound) co_return;  // the version was destroyed
      wait = true;
    } catch (const etcd::EtcdUnavailable&) {
      wait = true;  // the keep-alive decides when the store is lost
    }
    if (wait) co_await etcd::sleep_for(loop_, 1s);
  }
}

void EtcdRendezvous::lose(std::exception_ptr e) {
  if (state_ == State::kDone || !lost_.empty()) return;
  std::string why = describe(e);
  lost_ = why;
  // Closed by another agent: the store still works, so this agent still
  // posts its side of the exit barrier for torchrun peers at shutdown.
  store_failed_ = store_failed_ || store_is_broken(e);
  watcher_.reset();
  switch (state_) {
    case State::kRunning:
      if (on_lost_) post([this, why] { on_lost_(why); });
      break;
    case State::kJoining:
    case State::kBarrier: {
      round_.reset();
      barrier_.reset();
      state_ = State::kIdle;
      if (fail_) post([fail = fail_, why] { fail(why); });
      break;
    }
    default:
      break;
  }
}

void EtcdRendezvous::exit_barrier(std::function<void()> done, Fail fail) {
  if (!lost_.empty()) return post([this, fail] { fail(lost_); });
  state_ = State::kBarrier;
  watcher_.reset();
  fail_ = fail;
  auto timeout = std::min<Clock::duration>(conf_.timeout, kStoreTimeout);
  barrier_ = std::make_unique<RootTask>(
      loop_, etcd::exit_barrier(*kv_, joined_->rank, joined_->world, timeout),
      [this, done, fail](std::exception_ptr e) {
        if (state_ != State::kBarrier) return;
        if (e) {
          store_failed_ = store_failed_ || store_is_broken(e);
          return fail(describe(e));
        }
        barrier_passed_ = true;
        done();
      });
}

Task<void> EtcdRendezvous::close() {
  // A node that leaves without passing the exit barrier (its job failed)
  // still posts its side of it, so torchrun peers do not wait 300 s there.
  if (kv_ && joined_ && !barrier_passed_) co_await etcd::leave_exit_barrier(*kv_, joined_->rank);
  // torchrun closes whatever version is current; refrun only the one it was
  // in (or any, if it never got into one: a rendezvous that timed out).
  std::optional<std::string> version;
  if (joined_) version = joined_->version;
  co_await proto_.set_closed(version);
}

// torchrun's shutdown(): set_closed, so nobody joins a finished job. The
// agent is ending, so the loop is run here, bounded, until that is done.
void EtcdRendezvous::close_now() {
  bool finished = false;
  std::string error;
  auto task = std::make_unique<RootTask>(loop_, close(), [&](std::exception_ptr e) {
    finished = true;
    if (e) error = describe(e);
    loop_.stop();
  });
  auto timer = loop_.add_timer(kCloseTimeout, [this] { loop_.stop(); });
  loop_.run();
  loop_.cancel_timer(timer);
  task.reset();
  if (!finished) error = etcd_.store() + ": no answer within 3 s";
  if (!error.empty())
    std::fprintf(stderr, "refrun: warning: could not close the etcd rendezvous: %s\n",
                 error.c_str());
}

void EtcdRendezvous::shutdown() {
  if (state_ == State::kDone) return;
  state_ = State::kDone;
  round_.reset();
  watcher_.reset();
  barrier_.reset();
  run_dir_.reset();
  if (set_up_ && !leave_open_ && !store_failed_) close_now();
  keep_alive_.reset();
}

std::unique_ptr<Rendezvous> make_etcd_rendezvous(common::EventLoop& loop,
                                                 const RendezvousParams& params) {
  return std::make_unique<EtcdRendezvous>(loop, params);
}

}  // namespace refrun
