// The key-value half of the c10d store: set, get, cas, add and wait over one
// map, with quotas so that no client can grow the store host's memory
// without bound. A key belongs to the connection that last wrote it and is
// removed when that connection goes away: the store is the rendezvous'
// scratch space (MASTER_ADDR of a round), not a database. Pure logic: the
// answer to a wait goes out through `send` once its last key exists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace refrun {

// Documented in launcher/README.md ("Limits"); past each, that one request gets
// {"ok": false, "error": ...} and the store carries on.
struct C10dStoreQuotas {
  size_t client_bytes = 4u << 20;  // keys + values (and waited-for keys) of one connection
  size_t total_bytes = 64u << 20;  // the same for every connection together
  size_t client_waits = 64;        // pending waits of one connection
  size_t total_waits = 4096;       // pending waits of every connection
  size_t wait_keys = 64;           // keys one wait may name
};

class C10dKeyValue {
 public:
  using Send = std::function<void(uint64_t client, const nlohmann::json& reply)>;

  // `max_reply`: the frame limit; a wait whose values would not fit one
  // frame is answered with an error instead.
  C10dKeyValue(C10dStoreQuotas quotas, size_t max_reply, Send send);

  static bool is_kv_op(const std::string& op);
  // The reply (without its id) to a set/get/cas/add, or nullopt for a wait
  // that is answered later through `send` (with `id`). Throws BadMessage for
  // a malformed request.
  std::optional<nlohmann::json> handle(uint64_t client, const std::string& op,
                                       const nlohmann::json& msg, const nlohmann::json& id);
  // The connection is gone: its waits and the keys it owns go too.
  void drop_client(uint64_t client);

  size_t bytes() const { return total_bytes_; }
  size_t bytes_of(uint64_t client) const;
  size_t waits() const { return waiters_.size(); }

 private:
  struct Entry {
    std::string value;
    uint64_t owner;
  };
  struct Waiter {
    uint64_t client;
    nlohmann::json id;
    std::vector<std::string> keys;
    size_t bytes;  // charged to the client like keys it owns
  };

  C10dStoreQuotas quotas_;
  size_t max_reply_;
  Send send_;
  std::map<std::string, Entry> kv_;
  std::map<uint64_t, size_t> owned_bytes_;
  std::vector<Waiter> waiters_;
  size_t total_bytes_ = 0;

  std::optional<std::string> charge(uint64_t client, size_t bytes);
  void refund(uint64_t client, size_t bytes);
  std::optional<std::string> store(uint64_t client, const std::string& key, std::string value);
  void erase(std::map<std::string, Entry>::iterator it);
  nlohmann::json add(uint64_t client, const nlohmann::json& msg);
  std::optional<nlohmann::json> wait(uint64_t client, const nlohmann::json& msg,
                                     const nlohmann::json& id);
  void key_changed();
};

}  // namespace refrun
