#include "rendezvous/etcd/rdzv_state.h"

#include "rendezvous/etcd/printable.h"

namespace refrun::etcd {

using nlohmann::json;

namespace {

constexpr size_t kMaxParticipants = 100000;  // torchrun's role_info keys go to 99999

}  // namespace

bool RdzvState::is(const char* s, const std::string& version) const {
  return status() == s && this->version() == version;
}

std::string RdzvState::version() const {
  return obj.contains("version") ? obj["version"].get<std::string>() : "";
}

size_t RdzvState::participants() const {
  return obj.contains("participants") ? obj["participants"].size() : 0;
}

std::vector<std::string> RdzvState::keep_alives() const {
  std::vector<std::string> out;
  if (obj.contains("keep_alives"))
    for (const auto& k : obj["keep_alives"]) out.push_back(k.get<std::string>());
  return out;
}

int64_t RdzvState::num_workers_waiting() const {
  return obj.contains("num_workers_waiting") ? obj["num_workers_waiting"].get<int64_t>() : 0;
}

RdzvState parse_rdzv_state(const std::string& raw, uint64_t etcd_index, const std::string& where) {
  auto bad = [&](const std::string& why) {
    return EtcdBadState(where + " holds '" + printable(raw, 60) + "', not a rendezvous state: " +
                        why + " (another writer?)");
  };
  RdzvState s;
  s.raw = raw;
  s.etcd_index = etcd_index;
  s.obj = json::parse(raw, nullptr, false);
  if (s.obj.is_discarded() || !s.obj.is_object()) throw bad("not a JSON object");
  const json& o = s.obj;
  if (!o.contains("status") || !o["status"].is_string()) throw bad("no \"status\" string");
  std::string st = o["status"].get<std::string>();
  if (st == "closed" || st == "setup") return s;
  if (st != "joinable" && st != "frozen" && st != "final") throw bad("unknown status");
  // torchrun compares versions as strings ("1" != 1): an integer here would
  // be another version to it.
  if (!o.contains("version") || !o["version"].is_string()) throw bad("no \"version\" string");
  if (!o.contains("participants") || !o["participants"].is_array())
    throw bad("no \"participants\" list");
  if (o["participants"].size() > kMaxParticipants) throw bad("too many participants");
  if (st == "joinable") return s;
  if (!o.contains("keep_alives") || !o["keep_alives"].is_array())
    throw bad("no \"keep_alives\" list");
  for (const auto& k : o["keep_alives"])
    if (!k.is_string()) throw bad("a keep-alive that is not a key");
  if (o["keep_alives"].size() > o["participants"].size())
    throw bad("more keep-alives than participants");
  if (st == "frozen") return s;
  if (!o.contains("num_workers_waiting") || !o["num_workers_waiting"].is_number_integer())
    throw bad("no \"num_workers_waiting\" integer");
  return s;
}

}  // namespace refrun::etcd
