#include "rendezvous/etcd/agent_sync.h"

#include <nlohmann/json.hpp>

#include "rendezvous/etcd/printable.h"

namespace refrun::etcd {

using nlohmann::json;

namespace {

constexpr const char* kRoleInfo = "torchelastic/role_info";
constexpr const char* kTerminalState = "torchelastic/agent/terminal_state";

std::vector<std::string> numbered(const std::string& prefix, int n, const std::string& suffix) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(prefix + std::to_string(i) + suffix);
  return keys;
}

// store_util.synchronize + get_all: set ours, read all, set .FIN; rank 0
// also waits for every .FIN (it used to host the store).
Task<std::vector<std::string>> synchronize(EtcdKv& kv, std::string prefix, int rank, int world,
                                           std::string data, EtcdKv::Duration timeout) {
  co_await kv.set(prefix + std::to_string(rank), data);
  std::vector<std::string> all = co_await kv.get_all(numbered(prefix, world, ""), timeout);
  co_await kv.set(prefix + std::to_string(rank) + ".FIN", "FIN");
  if (rank == 0) co_await kv.get_all(numbered(prefix, world, ".FIN"), timeout);
  co_return all;
}

RankLayout layout_of(const EtcdKv& kv, const std::vector<std::string>& infos, int group_rank) {
  RankLayout layout;
  for (size_t i = 0; i < infos.size(); ++i) {
    json info = json::parse(infos[i], nullptr, false);
    bool ok = !info.is_discarded() && info.is_object() && info.contains("local_world_size") &&
              info["local_world_size"].is_number_integer() &&
              info["local_world_size"].get<long long>() >= 0 &&
              info["local_world_size"].get<long long>() <= 1000000;
    if (!ok)
      throw EtcdBadState(kv.dir() + ": " + kRoleInfo + std::to_string(i) + " holds '" +
                         printable(infos[i], 80) + "', not an agent's role info");
    int lws = info["local_world_size"].get<int>();
    if (static_cast<int>(i) < group_rank) layout.rank_offset += lws;
    layout.world_size += lws;
  }
  return layout;
}

}  // namespace

Task<RankLayout> share_and_gather(EtcdKv& kv, int group_rank, int group_world, std::string role,
                                  int local_world_size, EtcdKv::Duration timeout) {
  json mine = {{"role", role}, {"rank", group_rank}, {"local_world_size", local_world_size}};
  std::vector<std::string> infos =
      co_await synchronize(kv, kRoleInfo, group_rank, group_world, mine.dump(), timeout);
  co_return layout_of(kv, infos, group_rank);
}

Task<void> publish_master(EtcdKv& kv, std::string addr, int port) {
  co_await kv.set("MASTER_ADDR", addr);
  co_await kv.set("MASTER_PORT", std::to_string(port));
}

// A plain function: GCC 12 miscompiles some string temporaries inside
// coroutine bodies ("array used as initializer"), so checks live outside.
static std::pair<std::string, int> parse_master(const EtcdKv& kv, const std::string& addr,
                                         const std::string& port) {
  bool digits = !port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoi(port) > 65535 || addr.empty() || addr.size() > 255 ||
      addr.find_first_of(" \t\r\n") != std::string::npos)
    throw EtcdBadState(kv.dir() + ": MASTER_ADDR/MASTER_PORT hold '" + printable(addr, 60) +
                       "' '" + printable(port, 20) + "', not an address and port");
  return {addr, std::stoi(port)};
}

Task<std::pair<std::string, int>> read_master(EtcdKv& kv, EtcdKv::Duration timeout) {
  // A named vector: GCC 12 rejects a braced list of string literals as a
  // co_await operand's argument.
  std::vector<std::string> keys = {"MASTER_ADDR", "MASTER_PORT"};
  std::vector<std::string> v = co_await kv.get_all(keys, timeout);
  co_return parse_master(kv, v[0], v[1]);
}

Task<void> exit_barrier(EtcdKv& kv, int group_rank, int group_world, EtcdKv::Duration timeout) {
  co_await synchronize(kv, kTerminalState, group_rank, group_world, std::to_string(group_rank),
                       timeout);
}

Task<void> leave_exit_barrier(EtcdKv& kv, int group_rank) {
  std::string key = std::string(kTerminalState) + std::to_string(group_rank);
  co_await kv.set(key, std::to_string(group_rank));
  co_await kv.set(key + ".FIN", "FIN");
}

}  // namespace refrun::etcd
