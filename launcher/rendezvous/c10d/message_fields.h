// Typed reads of the fields of a c10d store message, for requests (the store)
// and replies (the client) alike: every bad field is a one-line error naming
// it ("'nproc' must be an integer from 1 to 4096"), never a json.exception
// text, and every number is range-checked before anything computes with it.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace refrun {

struct BadMessage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The string at `key`; throws BadMessage when missing or not a string.
std::string string_field(const nlohmann::json& msg, const char* key);
// The integer at `key` within [lo, hi]; throws BadMessage otherwise
// (floats, huge unsigned values and numbers as text included).
long long int_field(const nlohmann::json& msg, const char* key, long long lo, long long hi);

// Lenient reads for optional fields of pushes and replies: the fallback
// when the field is missing or of another type.
std::string string_or(const nlohmann::json& msg, const char* key, const std::string& fallback);
bool bool_or(const nlohmann::json& msg, const char* key, bool fallback);
long long int_or(const nlohmann::json& msg, const char* key, long long fallback);

}  // namespace refrun
