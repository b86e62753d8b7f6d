// The join path of torchrun's EtcdRendezvous: rendezvous_barrier,
// init_phase, try_create_rendezvous, join_phase (join, last call, wait for
// peers), confirm_phase (keep-alive key, wait for final).
#include <algorithm>
#include <stdexcept>

#include "rendezvous/etcd/printable.h"
#include "rendezvous/etcd/rdzv_protocol.h"

namespace refrun::etcd {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// How long the store may keep failing (unreachable, no quorum, timing out)
// before the rendezvous gives up: one keep-alive TTL, after which the
// keep-alive keys are gone anyway.
constexpr auto kUnavailableGrace = std::chrono::seconds(kKeepAliveTtl);
constexpr const char* kSetupValue = R"({"status": "setup"})";

}  // namespace

RdzvProtocol::RdzvProtocol(EtcdV2& etcd, EtcdConf conf, std::string run_id, int min_nodes,
                           int max_nodes, Hooks hooks)
    : etcd_(etcd),
      conf_(std::move(conf)),
      run_id_(std::move(run_id)),
      min_(min_nodes),
      max_(max_nodes),
      hooks_(std::move(hooks)),
      rng_(std::random_device{}()) {
  state_key_ = path("/rdzv/active_version");
}

Task<Joined> RdzvProtocol::rendezvous_barrier() {
  deadline_ = Clock::now() + conf_.timeout;
  std::optional<Clock::time_point> unavailable_since;
  for (;;) {
    check_deadline();
    // "Dis-own our lease in the previous rendezvous": its key expires and the
    // old version can be destroyed by whoever waits for the next one.
    if (hooks_.stop_keep_alive) hooks_.stop_keep_alive();
    bool wait = false;
    bool unavailable = false;
    try {
      co_return co_await init_phase();
    } catch (const detail::RetryImmediately&) {
    } catch (const detail::RetryableFailure&) {
      wait = true;
    } catch (const EtcdUnavailable&) {
      auto now = Clock::now();
      if (!unavailable_since) unavailable_since = now;
      if (now - *unavailable_since >= kUnavailableGrace) throw;
      wait = unavailable = true;
    } catch (const EtcdApiError&) {
      // A key expired or changed between two requests: torchrun retries
      // after a second ("Rendezvous attempt failed, will retry").
      wait = true;
    }
    // Closed, timed out, broken, bad answers and bad states end it (thrown on).
    if (!unavailable) unavailable_since.reset();
    if (wait) co_await sleep_for(etcd_.loop(), 1s);
  }
}

Task<Joined> RdzvProtocol::init_phase() {
  std::optional<RdzvState> created = co_await try_create_rendezvous();
  RdzvState state;
  if (created) {
    state = std::move(*created);
  } else {
    state = co_await get_rdzv_state();
  }
  std::string status = state.status();
  if (status == "closed")
    throw RendezvousClosed(etcd_.store() + ": the rendezvous of run " + run_id_ +
                           " is closed (the job ended; a new job needs a new --rdzv-id)");
  if (status == "joinable") co_return co_await join_phase(state.version());
  if (status == "final") {
    co_await handle_existing_rendezvous(state.version());
    throw detail::RetryImmediately{};
  }
  // setup or frozen: someone else is in the middle of a transition. torchrun
  // sleeps 1 s after the watch in any case; refrun re-enters at once when it
  // saw the state change (its loser no longer waits a second after setup).
  RdzvState after = co_await try_wait_for_state_change(state.etcd_index + 1);
  if (after.raw != state.raw) throw detail::RetryImmediately{};
  throw detail::RetryableFailure{};
}

Task<std::optional<RdzvState>> RdzvProtocol::try_create_rendezvous() {
  EtcdWrite setup;
  setup.value = kSetupValue;
  setup.ttl = kSetupTtl;
  if (!co_await create_if_absent(state_key_, setup)) co_return std::nullopt;

  std::string counter_key = path("/rdzv/version_counter");
  std::string version;
  bool lost = false;
  try {
    EtcdAnswer counter = co_await etcd_.get(counter_key);
    std::string text = counter.node.value.value_or("");
    long long n = 0;
    size_t used = 0;
    try {
      n = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || n < 0 || n > (1LL << 40))
      throw EtcdBadState(etcd_.store() + ": " + counter_key + " holds '" + printable(text, 40) +
                         "', not a version number (another writer?)");
    version = std::to_string(n + 1);
    EtcdWrite bump;
    bump.value = version;
    bump.prev_exist = true;
    bump.prev_index = counter.node.modified_index;
    co_await etcd_.put(counter_key, bump);
  } catch (const EtcdApiError& e) {
    if (e.code() != EtcdApiError::kKeyNotFound && e.code() != EtcdApiError::kCompareFailed) throw;
    lost = true;
  }
  if (lost)
    throw RendezvousBroken(etcd_.store() + ": " + counter_key +
                           " changed under this agent while it created a rendezvous version");

  co_await create_path_if_not_exists(path("/rdzv/v_" + version));
  json joinable = {{"status", "joinable"}, {"version", version}, {"participants", json::array()}};
  EtcdWrite w;
  w.value = joinable.dump();
  w.prev_value = kSetupValue;
  EtcdAnswer a = co_await etcd_.put(state_key_, w);
  co_return parse_rdzv_state(a.node.value.value_or(""), a.etcd_index,
                             etcd_.store() + ": " + state_key_);
}

Task<Joined> RdzvProtocol::join_phase(std::string version) {
  auto [state, rank] = co_await join_rendezvous(version);
  if (rank == min_ - 1 && state.status() == "joinable")
    co_await handle_join_last_call(version, Clock::now() + conf_.last_call_timeout);
  co_await wait_for_peers(version);
  co_await confirm_membership(version, rank);
  RdzvState final_state = co_await wait_for_final(version);
  co_return Joined{version, rank, static_cast<int>(final_state.participants())};
}

Task<std::pair<RdzvState, int>> RdzvProtocol::join_rendezvous(std::string version) {
  for (bool first = true;; first = false) {
    if (!first) co_await cas_delay();
    RdzvState state = co_await get_rdzv_state();
    if (state.status() != "joinable") throw detail::RetryableFailure{};
    if (state.version() != version) throw detail::RetryImmediately{};
    // A joinable state always has room (torchrun asserts it); a full one
    // is someone else's mistake: look again later.
    if (static_cast<int>(state.participants()) >= max_) throw detail::RetryableFailure{};
    int rank = static_cast<int>(state.participants());
    state.obj["participants"].push_back(rank);
    std::optional<int> ttl;
    if (rank + 1 == max_) {
      state.obj["status"] = "frozen";
      state.obj["keep_alives"] = json::array();
      ttl = kFrozenTtl;
    } else if (rank + 1 >= min_) {
      ttl = kJoinableTtl;
    }
    auto swapped = co_await cas_state(state, state.dump(), ttl);
    if (swapped) co_return std::make_pair(std::move(*swapped), rank);
  }
}

Task<void> RdzvProtocol::handle_join_last_call(std::string version, Clock::time_point deadline) {
  RdzvState state = co_await get_rdzv_state();
  for (;;) {
    if (state.is("frozen", version)) co_return;
    if (!state.is("joinable", version)) throw detail::RetryableFailure{};
    if (Clock::now() >= deadline) {
      RdzvState frozen = state;
      frozen.obj["status"] = "frozen";
      frozen.obj["keep_alives"] = json::array();
      if (co_await cas_state(state, frozen.dump(), kFrozenTtl)) co_return;
      co_await cas_delay();
      state = co_await get_rdzv_state();
      continue;
    }
    // Refresh the joinable state's TTL; it only succeeds while nobody
    // changed it. If this agent dies, the state expires and all re-enter.
    auto refreshed = co_await cas_state(state, state.raw, kJoinableTtl);
    if (!refreshed) {
      co_await cas_delay();
      state = co_await get_rdzv_state();
      continue;
    }
    auto left = deadline - Clock::now() + 1s;  // oversleeping by 1 s is ok (upstream)
    Clock::duration timeout = std::min<Clock::duration>(std::chrono::seconds(kJoinableTtl) / 2, left);
    state = co_await try_wait_for_state_change(refreshed->etcd_index + 1, timeout);
  }
}

Task<RdzvState> RdzvProtocol::wait_for_peers(std::string version) {
  RdzvState state = co_await get_rdzv_state();
  for (;;) {
    if (state.is("frozen", version)) co_return state;
    if (!state.is("joinable", version)) throw detail::RetryableFailure{};
    state = co_await try_wait_for_state_change(state.etcd_index + 1);
  }
}

Task<void> RdzvProtocol::confirm_membership(std::string version, int rank) {
  for (bool first = true;; first = false) {
    if (!first) co_await cas_delay();
    RdzvState state = co_await get_rdzv_state();
    if (!state.is("frozen", version)) throw detail::RetryImmediately{};
    std::string lease = path("/rdzv/v_" + version + "/rank_" + std::to_string(rank));
    EtcdWrite keep;
    keep.ttl = kKeepAliveTtl;
    co_await etcd_.put(lease, keep);
    state.obj["keep_alives"].push_back(lease);
    bool finalize = state.obj["keep_alives"].size() == state.participants();
    if (finalize) {
      state.obj["status"] = "final";
      state.obj["num_workers_waiting"] = 0;
    }
    std::optional<int> ttl;
    if (!finalize) ttl = kFrozenTtl;
    if (co_await cas_state(state, state.dump(), ttl)) {
      if (hooks_.start_keep_alive) hooks_.start_keep_alive(lease);
      co_return;
    }
  }
}

Task<RdzvState> RdzvProtocol::wait_for_final(std::string version) {
  RdzvState state = co_await get_rdzv_state();
  for (;;) {
    if (state.is("final", version)) co_return state;
    if (!state.is("frozen", version)) throw detail::RetryableFailure{};
    state = co_await try_wait_for_state_change(state.etcd_index + 1);
  }
}

}  // namespace refrun::etcd
