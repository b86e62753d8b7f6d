#include "rendezvous/c10d/store_kv.h"

#include <algorithm>
#include <climits>

#include "rendezvous/c10d/message_fields.h"

namespace refrun {

using nlohmann::json;

namespace {
// What a map entry costs besides its bytes (node, two string headers).
constexpr size_t kEntryOverhead = 96;

size_t entry_cost(const std::string& key, const std::string& value) {
  return key.size() + value.size() + kEntryOverhead;
}

std::string mib(size_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}
}  // namespace

C10dKeyValue::C10dKeyValue(C10dStoreQuotas quotas, size_t max_reply, Send send)
    : quotas_(quotas), max_reply_(max_reply), send_(std::move(send)) {}

bool C10dKeyValue::is_kv_op(const std::string& op) {
  return op == "set" || op == "get" || op == "cas" || op == "add" || op == "wait";
}

size_t C10dKeyValue::bytes_of(uint64_t client) const {
  auto it = owned_bytes_.find(client);
  return it == owned_bytes_.end() ? 0 : it->second;
}

std::optional<std::string> C10dKeyValue::charge(uint64_t client, size_t bytes) {
  size_t& mine = owned_bytes_[client];
  if (mine + bytes > quotas_.client_bytes)
    return "quota exceeded: this connection's keys, values and waits would take more than " +
           mib(quotas_.client_bytes);
  if (total_bytes_ + bytes > quotas_.total_bytes)
    return "quota exceeded: the store's keys, values and waits would take more than " +
           mib(quotas_.total_bytes);
  mine += bytes;
  total_bytes_ += bytes;
  return std::nullopt;
}

void C10dKeyValue::refund(uint64_t client, size_t bytes) {
  auto it = owned_bytes_.find(client);
  if (it == owned_bytes_.end()) return;
  it->second -= std::min(it->second, bytes);
  total_bytes_ -= std::min(total_bytes_, bytes);
  if (it->second == 0) owned_bytes_.erase(it);
}

void C10dKeyValue::erase(std::map<std::string, Entry>::iterator it) {
  refund(it->second.owner, entry_cost(it->first, it->second.value));
  kv_.erase(it);
}

// The writer becomes the key's owner and pays for it; the old owner's
// charge is refunded first, so overwriting a key never double-counts.
std::optional<std::string> C10dKeyValue::store(uint64_t client, const std::string& key,
                                               std::string value) {
  auto it = kv_.find(key);
  Entry old;
  bool had = it != kv_.end();
  if (had) {
    old = it->second;
    erase(it);
  }
  if (auto err = charge(client, entry_cost(key, value))) {
    if (had && !charge(old.owner, entry_cost(key, old.value))) kv_[key] = std::move(old);
    return err;
  }
  kv_[key] = Entry{std::move(value), client};
  key_changed();
  return std::nullopt;
}

std::optional<json> C10dKeyValue::handle(uint64_t client, const std::string& op, const json& msg,
                                         const json& id) {
  if (op == "set") {
    if (auto err = store(client, string_field(msg, "key"), string_field(msg, "value")))
      return json{{"ok", false}, {"error", *err}};
    return json{{"ok", true}};
  }
  if (op == "get") {
    auto it = kv_.find(string_field(msg, "key"));
    if (it == kv_.end()) return json{{"ok", true}, {"found", false}};
    return json{{"ok", true}, {"found", true}, {"value", it->second.value}};
  }
  if (op == "cas") {
    // expected null: the key must not exist yet.
    std::string key = string_field(msg, "key");
    std::string desired = string_field(msg, "desired");
    auto it = kv_.find(key);
    bool match = msg.contains("expected") && msg["expected"].is_null()
                     ? it == kv_.end()
                     : it != kv_.end() && it->second.value == string_field(msg, "expected");
    if (match)
      if (auto err = store(client, key, std::move(desired)))
        return json{{"ok", false}, {"error", *err}};
    it = kv_.find(key);
    json r = {{"ok", true}, {"swapped", match}};
    r["value"] = it == kv_.end() ? json(nullptr) : json(it->second.value);
    return r;
  }
  if (op == "add") return add(client, msg);
  if (op == "wait") return wait(client, msg, id);
  throw BadMessage("unknown op '" + op + "'");
}

json C10dKeyValue::add(uint64_t client, const json& msg) {
  std::string key = string_field(msg, "key");
  long long delta = int_field(msg, "delta", LLONG_MIN, LLONG_MAX);
  long long value = 0;
  auto it = kv_.find(key);
  if (it != kv_.end()) {
    size_t used = 0;
    try {
      value = std::stoll(it->second.value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != it->second.value.size())
      return {{"ok", false}, {"error", "key '" + key + "' does not hold an integer"}};
  }
  long long sum = 0;
  if (__builtin_add_overflow(value, delta, &sum))
    return {{"ok", false},
            {"error", "add would overflow: key '" + key + "' holds " + std::to_string(value)}};
  if (auto err = store(client, key, std::to_string(sum))) return {{"ok", false}, {"error", *err}};
  return {{"ok", true}, {"value", sum}};
}

std::optional<json> C10dKeyValue::wait(uint64_t client, const json& msg, const json& id) {
  auto keys_it = msg.find("keys");
  if (keys_it == msg.end() || !keys_it->is_array() || keys_it->empty() ||
      keys_it->size() > quotas_.wait_keys)
    throw BadMessage("'keys' must be an array of 1 to " + std::to_string(quotas_.wait_keys) +
                     " strings");
  Waiter w{client, id, {}, kEntryOverhead};
  for (const json& k : *keys_it) {
    if (!k.is_string()) throw BadMessage("'keys' must hold strings only");
    w.keys.push_back(k.get<std::string>());
    w.bytes += w.keys.back().size();
  }
  size_t mine = static_cast<size_t>(
      std::count_if(waiters_.begin(), waiters_.end(), [&](const Waiter& o) { return o.client == client; }));
  if (mine >= quotas_.client_waits)
    return json{{"ok", false},
                {"error", "quota exceeded: this connection already has " +
                              std::to_string(quotas_.client_waits) + " pending waits"}};
  if (waiters_.size() >= quotas_.total_waits)
    return json{{"ok", false},
                {"error", "quota exceeded: the store already has " +
                              std::to_string(quotas_.total_waits) + " pending waits"}};
  if (auto err = charge(client, w.bytes)) return json{{"ok", false}, {"error", *err}};
  waiters_.push_back(std::move(w));
  key_changed();  // answers at once when the keys are already there
  return std::nullopt;
}

void C10dKeyValue::key_changed() {
  for (size_t i = 0; i < waiters_.size();) {
    Waiter& w = waiters_[i];
    bool all = std::all_of(w.keys.begin(), w.keys.end(),
                           [&](const std::string& k) { return kv_.count(k) != 0; });
    if (!all) {
      ++i;
      continue;
    }
    json values = json::object();
    for (auto& k : w.keys) values[k] = kv_.at(k).value;
    json reply = {{"id", w.id}, {"ok", true}, {"values", values}};
    if (reply.dump().size() > max_reply_)
      reply = {{"id", w.id},
               {"ok", false},
               {"error", "the values waited for do not fit one frame (" +
                             std::to_string(max_reply_) + " bytes)"}};
    uint64_t client = w.client;
    refund(client, w.bytes);
    waiters_.erase(waiters_.begin() + static_cast<long>(i));
    send_(client, reply);
  }
}

void C10dKeyValue::drop_client(uint64_t client) {
  for (const Waiter& w : waiters_)
    if (w.client == client) refund(client, w.bytes);
  waiters_.erase(std::remove_if(waiters_.begin(), waiters_.end(),
                                [&](const Waiter& w) { return w.client == client; }),
                 waiters_.end());
  for (auto it = kv_.begin(); it != kv_.end();) {
    auto next = std::next(it);
    if (it->second.owner == client) erase(it);
    it = next;
  }
  owned_bytes_.erase(client);
}

}  // namespace refrun
