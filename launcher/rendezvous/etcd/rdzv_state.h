// The JSON in <prefix>run_<id>/rdzv/active_version, read defensively: any
// writer can put anything there, so every field torchrun relies on is
// checked before use and a bad value is one line naming the key.
//
//   {"status": "final", "version": "1", "participants": [0, 1],
//    "keep_alives": ["/torchelastic/p2p/run_x/rdzv/v_1/rank_0", ...],
//    "num_workers_waiting": 0}
//
// CAS always compares against `raw`, the exact string read, never a
// re-serialisation; what refrun writes is nlohmann's compact, sorted-key
// form, which torchrun 1.13 reads and CASes (measured, research notes 2.2).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rendezvous/etcd/etcd_v2.h"

namespace refrun::etcd {

struct RdzvState {
  std::string raw;          // as read: the CAS's prevValue
  nlohmann::json obj;       // parsed and checked
  uint64_t etcd_index = 0;  // X-Etcd-Index of the read that returned it

  std::string status() const { return obj["status"].get<std::string>(); }
  bool is(const char* status, const std::string& version) const;
  std::string version() const;  // "" for setup
  size_t participants() const;
  std::vector<std::string> keep_alives() const;
  int64_t num_workers_waiting() const;
  std::string dump() const { return obj.dump(); }
};

// Parses and checks `raw` for its status's fields; throws EtcdBadState
// naming `where` (the store and key).
RdzvState parse_rdzv_state(const std::string& raw, uint64_t etcd_index, const std::string& where);

}  // namespace refrun::etcd
