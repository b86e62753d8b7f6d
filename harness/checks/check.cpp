#include "check.h"

namespace launchcheck {

std::string ExpectInput::text(const std::string& s, const std::string& ptr) const {
  return substitute(subs, s, ptr);
}

std::optional<Regex> ExpectInput::regex(const std::string& re, const std::string& ptr) const {
  return compile_regex(subs, re, ptr);
}

void ExpectInput::check_node(const std::string& name, const std::string& ptr) const {
  for (auto& n : nodes)
    if (n == name) return;
  field_error(ptr, "no node named \"" + name + "\"");
}

Judging::Judging(const ResolvedScenario& s, const RunRecord& r) : scenario(s), run(r) {
  for (auto& e : run.events)
    if (e.ev == "start" && e.role != "grandchild") started_.push_back(&e);
}

void Judging::fail(std::string check, std::string expected, std::string actual) {
  failures.push_back({std::move(check), std::move(expected), std::move(actual)});
}

bool always(const std::any&) {
  return true;
}

}  // namespace launchcheck
