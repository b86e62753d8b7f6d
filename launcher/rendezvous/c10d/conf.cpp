#include "rendezvous/c10d/conf.h"

#include <cmath>
#include <stdexcept>

namespace refrun {

namespace {

std::runtime_error bad(const std::string& key, const std::string& value, const std::string& want) {
  return std::runtime_error("invalid --rdzv-conf " + key + "=" + value + ": expected " + want);
}

std::chrono::milliseconds parse_seconds(const std::string& key, const std::string& value) {
  size_t used = 0;
  double s = 0;
  try {
    s = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size() || !std::isfinite(s) || s <= 0 || s > 1e7)
    throw bad(key, value, "a positive number of seconds");
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(s * 1000)));
}

bool parse_bool(const std::string& key, const std::string& value) {
  if (value == "1" || value == "true" || value == "True" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "False" || value == "no") return false;
  throw bad(key, value, "true/false or 1/0");
}

}  // namespace

C10dConf parse_c10d_conf(const std::map<std::string, std::string>& conf) {
  C10dConf c;
  bool timeout_given = false;
  for (auto& [key, value] : conf) {
    if (key == "join_timeout") {
      c.join_timeout = parse_seconds(key, value);
    } else if (key == "last_call_timeout") {
      c.last_call_timeout = parse_seconds(key, value);
    } else if (key == "close_timeout") {
      c.close_timeout = parse_seconds(key, value);
    } else if (key == "timeout") {
      c.timeout = parse_seconds(key, value);
      timeout_given = true;
    } else if (key == "read_timeout") {
      c.read_timeout = parse_seconds(key, value);
    } else if (key == "keep_alive_interval") {
      c.keep_alive_interval = parse_seconds(key, value);
    } else if (key == "keep_alive_max_attempt") {
      size_t used = 0;
      int n = 0;
      try {
        n = std::stoi(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != value.size() || n < 1 || n > 1000)
        throw bad(key, value, "an integer from 1 to 1000");
      c.keep_alive_max_attempt = n;
    } else if (key == "is_host") {
      c.is_host = parse_bool(key, value);
    }
    // Other keys belong to other backends or to upstream features refrun
    // does not have; like upstream, they are ignored.
  }
  if (!timeout_given) c.timeout = c.read_timeout;
  return c;
}

}  // namespace refrun
