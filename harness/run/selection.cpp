#include "selection.h"

#include <fnmatch.h>

#include <random>
#include <stdexcept>

#include "status.h"

namespace launchcheck {

namespace {

bool any_glob(const std::vector<std::string>& globs, const Scenario& s) {
  for (auto& g : globs)
    if (matches_filter(s, g)) return true;
  return false;
}

bool has_any_tag(const std::vector<std::string>& tags, const Scenario& s) {
  for (auto& t : tags)
    for (auto& own : s.tags)
      if (t == own) return true;
  return false;
}

}  // namespace

bool matches_filter(const Scenario& s, const std::string& glob) {
  if (glob.empty()) return true;
  return fnmatch(glob.c_str(), s.id.c_str(), 0) == 0 ||
         fnmatch(glob.c_str(), s.name.c_str(), 0) == 0;
}

bool is_selected(const Scenario& s, const ScenarioSelection& sel) {
  if (!sel.filters.empty() && !any_glob(sel.filters, s)) return false;
  if (any_glob(sel.excludes, s)) return false;
  if (!sel.tags.empty() && !has_any_tag(sel.tags, s)) return false;
  return !has_any_tag(sel.not_tags, s);
}

std::set<std::string> failed_ids(const Json& report) {
  if (!report.is_object() || !report.contains("results") || !report["results"].is_array())
    throw std::runtime_error("not a launchcheck JSON report (no \"results\" array)");
  std::set<std::string> out;
  for (auto& r : report["results"]) {
    if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) continue;
    auto status = status_from_string(r.value("status", "error"));
    if (!status || is_failure(*status)) out.insert(r["id"].get<std::string>());
  }
  return out;
}

void shuffle_scenarios(std::vector<Scenario>& scenarios, uint64_t seed) {
  std::mt19937_64 rng(seed);  // mt19937_64's output is fixed by the standard
  for (size_t i = scenarios.size(); i > 1; --i) std::swap(scenarios[i - 1], scenarios[rng() % i]);
}

}  // namespace launchcheck
