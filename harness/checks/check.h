// What a check is: one family of `expect` keys, read and judged in one file
// (checks/<family>.cpp) and listed once in the table of registry.cpp.
// Adding a check = adding that file, its two functions to families.h and one
// row to the table.
#pragma once

#include <any>
#include <optional>
#include <string>
#include <vector>

#include "check_failure.h"
#include "json_reader.h"
#include "resolved_scenario.h"
#include "run_record.h"
#include "substitution.h"

namespace launchcheck {

// What a check's parse gets: the `expect` object (read your key through it,
// so unknown keys are still caught), the node names, and the substitution:
// placeholder names are only checked when a scenario is loaded, and get
// their values when the run's ResolvedScenario is made.
struct ExpectInput {
  ObjectReader& expect;
  std::string key;
  const std::vector<std::string>& nodes;
  Substitution& subs;

  std::string pointer() const { return expect.pointer(key); }
  // A string field, substituted; errors name `pointer`.
  std::string text(const std::string& s, const std::string& pointer) const;
  // A regex field, substituted and compiled (nullopt while loading when it
  // holds a per-run value).
  std::optional<Regex> regex(const std::string& re, const std::string& pointer) const;
  // Throws unless `name` is a node of the scenario.
  void check_node(const std::string& name, const std::string& pointer) const;
};

// What a judge gets: the resolved scenario, the recorded history, and where
// failures go.
class Judging {
 public:
  Judging(const ResolvedScenario& s, const RunRecord& run);

  const ResolvedScenario& scenario;
  const RunRecord& run;
  // The workers' start events (grandchildren excluded), in log order.
  const std::vector<const WorkerEvent*>& started() const { return started_; }

  void fail(std::string check, std::string expected, std::string actual);
  std::vector<CheckFailure> failures;

 private:
  std::vector<const WorkerEvent*> started_;
};

struct Check {
  const char* key;
  // Whether this expectation can only be judged when workers started; nullptr:
  // never. Without any worker every such check would fail alike, so the
  // runner says it once ("workers") and skips them.
  bool (*needs_workers)(const std::any& spec);
  // Reads the key (absent ones too: a default may apply). An empty result
  // means there is nothing to judge. Throws JsonFieldError.
  std::any (*parse)(const ExpectInput& in);
  void (*judge)(const std::any& spec, Judging& j);
};

// needs_workers for checks that always look at workers.
bool always(const std::any& spec);

// Calls f(item, pointer) for each item of the array at `key`, if present.
template <typename F>
void each_item(ObjectReader& r, const std::string& key, F f) {
  const Json* v = r.get(key);
  if (!v) return;
  if (!v->is_array()) field_error(r.pointer(key), "expected an array");
  for (size_t i = 0; i < v->size(); ++i) f((*v)[i], r.pointer(key) + "/" + std::to_string(i));
}

// The parse of a key holding an array: each item read by parse_one(in,
// item, pointer); nothing to judge when the array is absent or empty.
template <typename T, typename F>
std::any parse_items(const ExpectInput& in, F parse_one) {
  std::vector<T> out;
  each_item(in.expect, in.key,
            [&](const Json& a, const std::string& p) { out.push_back(parse_one(in, a, p)); });
  if (out.empty()) return {};
  return out;
}

// The attempt a worker event belongs to (TORCHELASTIC_RESTART_COUNT; 0 unset).
inline int attempt_of(const WorkerEvent& e) { return e.attempt.value_or(0); }

}  // namespace launchcheck
