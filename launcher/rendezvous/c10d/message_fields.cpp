#include "rendezvous/c10d/message_fields.h"

namespace refrun {

std::string string_field(const nlohmann::json& msg, const char* key) {
  auto it = msg.find(key);
  if (it == msg.end() || !it->is_string())
    throw BadMessage(std::string("'") + key + "' must be a string");
  return it->get<std::string>();
}

long long int_field(const nlohmann::json& msg, const char* key, long long lo, long long hi) {
  auto it = msg.find(key);
  bool ok = it != msg.end() && it->is_number_integer();
  long long v = 0;
  if (ok && it->is_number_unsigned()) {
    // Above LLONG_MAX, get<long long>() would wrap around.
    auto u = it->get<unsigned long long>();
    ok = hi >= 0 && u <= static_cast<unsigned long long>(hi);
    v = ok ? static_cast<long long>(u) : 0;
  } else if (ok) {
    v = it->get<long long>();
  }
  if (!ok || v < lo || v > hi)
    throw BadMessage(std::string("'") + key + "' must be an integer from " + std::to_string(lo) +
                     " to " + std::to_string(hi));
  return v;
}

std::string string_or(const nlohmann::json& msg, const char* key, const std::string& fallback) {
  auto it = msg.find(key);
  return it != msg.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool bool_or(const nlohmann::json& msg, const char* key, bool fallback) {
  auto it = msg.find(key);
  return it != msg.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

long long int_or(const nlohmann::json& msg, const char* key, long long fallback) {
  try {
    return int_field(msg, key, INT64_MIN, INT64_MAX);
  } catch (const BadMessage&) {
    return fallback;
  }
}

}  // namespace refrun
