#include "verdict.h"

#include <fnmatch.h>

namespace launchcheck {

namespace {

// A check's own name matches itself even when it holds glob characters
// ("files {tmp}/[0-3]"), so measured names can be written as they are.
bool matches(const std::string& glob, const std::string& check) {
  return glob == check || fnmatch(glob.c_str(), check.c_str(), 0) == 0;
}

bool named(const Xfail& x, const std::string& check) {
  for (auto& g : x.checks)
    if (matches(g, check)) return true;
  return false;
}

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v) out += (out.empty() ? "\"" : ", \"") + s + "\"";
  return out;
}

}  // namespace

Verdict decide_verdict(const std::vector<CheckFailure>& failures, const Xfail* expected) {
  if (!expected) return {failures.empty() ? Status::kPass : Status::kFail, ""};
  const Xfail& x = *expected;
  std::vector<std::string> others, stale;
  for (auto& f : failures)
    if (!named(x, f.check)) others.push_back(f.check);
  for (auto& g : x.checks) {
    bool failed = false;
    for (auto& f : failures) failed = failed || matches(g, f.check);
    if (!failed) stale.push_back(g);
  }
  std::string known = "expected to fail in " + list(x.checks) + " (" + x.reason + ")";
  if (!others.empty())
    return {Status::kFail, known + ", but other checks failed too: " + list(others)};
  if (failures.empty())
    return {Status::kXpass, known + " but passed: update the expectations file"};
  // A named check that passed this time is said, not failed: launchers'
  // timing decides some of them (a peer killed at the timeout, or exiting
  // first), and a list that flips between XFAIL and XPASS is noise.
  std::string note = stale.empty() ? "" : "; " + list(stale) + " passed this time";
  return {Status::kXfail, x.reason + " [" + list(x.checks) + "]" + note};
}

}  // namespace launchcheck
