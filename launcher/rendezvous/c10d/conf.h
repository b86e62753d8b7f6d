// --rdzv-conf keys of the c10d backend, names and defaults as upstream
// (dynamic_rendezvous.py, c10d_rendezvous_backend.py). Durations are seconds
// (fractions allowed so tests can use short windows).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace refrun {

struct C10dConf {
  std::chrono::milliseconds join_timeout{600000};
  std::chrono::milliseconds last_call_timeout{30000};
  std::chrono::milliseconds close_timeout{30000};
  // How long connecting to the store may take (retrying); default:
  // read_timeout, the connect timeout upstream gives its TCPStore client.
  std::chrono::milliseconds timeout{60000};
  // How long a store request may wait for its reply.
  std::chrono::milliseconds read_timeout{60000};
  std::chrono::milliseconds keep_alive_interval{5000};
  int keep_alive_max_attempt = 3;
  std::optional<bool> is_host;

  std::chrono::milliseconds keep_alive_window() const {
    return keep_alive_interval * keep_alive_max_attempt;
  }
};

// Throws std::runtime_error naming the key and value on a bad value.
C10dConf parse_c10d_conf(const std::map<std::string, std::string>& conf);

}  // namespace refrun
