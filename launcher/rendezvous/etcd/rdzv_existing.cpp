// The rest of torchrun's EtcdRendezvous: set-up, waiting for a running
// rendezvous to end (announce_self_waiting, wait_for_rendezvous_to_free),
// set_closed, and the small helpers (state reads, watches, CAS, delays).
#include <algorithm>

#include "rendezvous/etcd/rdzv_protocol.h"

namespace refrun::etcd {

using nlohmann::json;
using namespace std::chrono_literals;

Task<void> RdzvProtocol::setup() {
  if (conf_.prefix != "/") co_await create_path_if_not_exists(conf_.prefix);
  co_await create_path_if_not_exists(path("/"), kRunDirTtl);
  co_await create_path_if_not_exists(path("/rdzv"));
  EtcdWrite counter;
  counter.value = "0";
  co_await create_if_absent(path("/rdzv/version_counter"), counter);
}

Task<void> RdzvProtocol::handle_existing_rendezvous(std::string version) {
  co_await announce_self_waiting(version);
  co_await wait_for_rendezvous_to_free(version);
}

Task<void> RdzvProtocol::announce_self_waiting(std::string version) {
  for (bool first = true;; first = false) {
    if (!first) co_await cas_delay();
    RdzvState state = co_await get_rdzv_state();
    if (!state.is("final", version)) throw detail::RetryImmediately{};
    state.obj["num_workers_waiting"] = state.num_workers_waiting() + 1;
    if (co_await cas_state(state, state.dump(), std::nullopt)) co_return;
  }
}

// The running version ends when its state changes or when one of its
// members stops renewing its keep-alive key: then this agent destroys it
// (compare-and-delete, so only the version it looked at) and all re-enter.
Task<void> RdzvProtocol::wait_for_rendezvous_to_free(std::string version) {
  RdzvState state = co_await get_rdzv_state();
  for (;;) {
    if (!state.is("final", version)) co_return;
    EtcdAnswer members = co_await etcd_.get(path("/rdzv/v_" + version));
    std::vector<std::string> alive;
    for (const auto& n : members.node.nodes) alive.push_back(n.key);
    for (const auto& key : state.keep_alives()) {
      if (std::find(alive.begin(), alive.end(), key) != alive.end()) continue;
      co_await destroy_version(state);
      co_return;
    }
    auto left = std::max<Clock::duration>(deadline_ - Clock::now(), Clock::duration::zero()) + 1s;
    co_await etcd_.watch(path("/rdzv"), state.etcd_index + 1, true, left);
    check_deadline();
    state = co_await get_rdzv_state();
  }
}

// Every waiting agent sees the expiry at once and tries; all but one find
// the state gone (100) or replaced (101). torchrun then sleeps a second
// (its general retry), which can outlast a short last call held by the
// winner and leave it out of the next version; the version this agent
// wanted gone is gone either way, so refrun goes on at once.
Task<void> RdzvProtocol::destroy_version(const RdzvState& state) {
  try {
    co_await etcd_.remove(state_key_, state.raw);
  } catch (const EtcdApiError& e) {
    if (e.code() != EtcdApiError::kKeyNotFound && e.code() != EtcdApiError::kCompareFailed) throw;
  }
}

Task<void> RdzvProtocol::set_closed(std::optional<std::string> only_version) {
  for (;;) {
    RdzvState state = co_await get_rdzv_state();
    if (state.status() == "closed") co_return;
    if (only_version && state.version() != *only_version) co_return;
    state.obj["status"] = "closed";
    if (co_await cas_state(state, state.dump(), std::nullopt)) co_return;
    co_await cas_delay();
  }
}

Task<RdzvState> RdzvProtocol::get_rdzv_state() {
  EtcdAnswer a = co_await etcd_.get(state_key_);
  std::string where = etcd_.store() + ": " + state_key_;
  if (!a.node.value) throw EtcdBadState(where + " is a directory, not a rendezvous state");
  co_return parse_rdzv_state(*a.node.value, a.etcd_index, where);
}

Task<RdzvState> RdzvProtocol::try_wait_for_state_change(uint64_t index,
                                                        std::optional<Clock::duration> timeout) {
  Clock::duration overall =
      std::max<Clock::duration>(deadline_ - Clock::now(), Clock::duration::zero()) + 1s;
  Clock::duration t = timeout ? std::min(*timeout, overall) : overall;
  co_await etcd_.watch(state_key_, index, false, t);
  check_deadline();
  co_return co_await get_rdzv_state();
}

Task<void> RdzvProtocol::create_path_if_not_exists(std::string key, std::optional<int> ttl) {
  EtcdWrite w;
  w.dir = true;
  w.ttl = ttl;
  co_await create_if_absent(std::move(key), w);
}

// PUT with prevExist=false: true when this call created the key, false when
// it was there already (105); any other error is thrown on.
Task<bool> RdzvProtocol::create_if_absent(std::string key, EtcdWrite w) {
  w.prev_exist = false;
  bool created = true;
  try {
    co_await etcd_.put(key, w);
  } catch (const EtcdApiError& e) {
    if (e.code() != EtcdApiError::kNodeExist) throw;
    created = false;
  }
  co_return created;
}

Task<std::optional<RdzvState>> RdzvProtocol::cas_state(const RdzvState& prev, std::string value,
                                                       std::optional<int> ttl) {
  EtcdWrite w;
  w.value = std::move(value);
  w.prev_value = prev.raw;
  w.ttl = ttl;
  bool lost = false;
  EtcdAnswer a;
  try {
    a = co_await etcd_.put(state_key_, w);
  } catch (const EtcdApiError& e) {
    if (e.code() != EtcdApiError::kCompareFailed) throw;
    lost = true;
  }
  if (lost) co_return std::nullopt;
  co_return parse_rdzv_state(a.node.value.value_or(""), a.etcd_index,
                             etcd_.store() + ": " + state_key_);
}

// torchrun sleeps U(0, 0.1 s) before every CAS attempt; refrun only before
// retrying one it lost (the first try goes at once: see launcher/ETCD.md).
Task<void> RdzvProtocol::cas_delay() {
  std::uniform_int_distribution<int> ms(0, 100);
  co_await sleep_for(etcd_.loop(), std::chrono::milliseconds(ms(rng_)));
}

RdzvProtocol::Clock::duration RdzvProtocol::time_left() const {
  return deadline_ - Clock::now();
}

void RdzvProtocol::check_deadline() const {
  if (Clock::now() > deadline_)
    throw RendezvousTimedOut(etcd_.store() + ": no rendezvous for run " + run_id_ + " within " +
                             std::to_string(conf_.timeout.count() / 1000.0).substr(0, 6) +
                             " s (--rdzv-conf timeout)");
}

}  // namespace refrun::etcd
