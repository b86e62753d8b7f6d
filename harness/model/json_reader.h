// Strict reading of JSON documents into typed structs: every error names the
// file and either line:col (syntax) or the JSON pointer of the bad field, and
// keys nobody asked for are errors, so a typo cannot silently pass.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace launchcheck {

using Json = nlohmann::json;

// A semantic error inside a document: `pointer` is where, `what()` is why.
class JsonFieldError : public std::runtime_error {
 public:
  JsonFieldError(std::string pointer, const std::string& message)
      : std::runtime_error(message), pointer_(std::move(pointer)) {}
  const std::string& pointer() const { return pointer_; }

 private:
  std::string pointer_;
};

// Reads and parses a file; throws std::runtime_error "file:line:col: message"
// on syntax errors (a number too big for a double, nesting deeper than
// kMaxJsonDepth included) and "file: message" when it cannot be read.
Json parse_json_file(const std::string& path);
// Same for text already in memory; `name` is used in messages.
Json parse_json_text(const std::string& text, const std::string& name);

// Walks one JSON object. get() marks a key as known; finish() rejects the
// rest. Helpers throw JsonFieldError naming the field's pointer.
class ObjectReader {
 public:
  ObjectReader(const Json& j, std::string pointer);

  bool has(const std::string& key) const { return j_.contains(key); }
  const Json* get(const std::string& key);
  std::string pointer(const std::string& key) const { return pointer_ + "/" + key; }
  const std::string& pointer() const { return pointer_; }

  // Numbers are range-checked here, so nothing later converts or adds an
  // out-of-range value ("expected a number from 0 to 86400, got 1e+308").
  std::optional<std::string> string(const std::string& key);
  std::optional<double> number(const std::string& key, double lo, double hi);
  std::optional<long long> integer(const std::string& key, long long lo, long long hi);
  std::optional<bool> boolean(const std::string& key);
  std::optional<std::vector<std::string>> strings(const std::string& key);
  std::optional<std::vector<int>> integers(const std::string& key, int lo, int hi);

  std::string required_string(const std::string& key);

  // Throws for the first key that no get() asked about.
  void finish() const;

 private:
  const Json& j_;
  std::string pointer_;
  std::set<std::string> seen_;
};

[[noreturn]] void field_error(const std::string& pointer, const std::string& message);
std::string json_type_name(const Json& j);
// A JSON integer within [lo, hi] (huge unsigned values included), else a
// field error at `pointer`.
long long checked_integer(const Json& v, const std::string& pointer, long long lo, long long hi);

// Bounds shared by the readers: a duration in a scenario is at most a day,
// a count or rank at most INT_MAX; documents nest at most kMaxJsonDepth.
constexpr double kMaxScenarioSeconds = 86400;
constexpr long long kMaxCount = 2147483647;
constexpr size_t kMaxJsonDepth = 64;

}  // namespace launchcheck
