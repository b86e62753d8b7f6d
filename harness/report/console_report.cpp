#include "console_report.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace launchcheck {

namespace {

// SGR colours: green pass, red failures, yellow skip, cyan xfail.
const char* colour(Status status) {
  switch (status) {
    case Status::kPass:
      return "\033[32m";
    case Status::kSkip:
      return "\033[33m";
    case Status::kXfail:
      return "\033[36m";
    default:
      return "\033[1;31m";
  }
}

std::string label(Status status, bool colour_it) {
  std::string l = to_string(status);
  std::transform(l.begin(), l.end(), l.begin(), ::toupper);
  l.resize(6, ' ');
  return colour_it ? colour(status) + l + "\033[0m" : l;
}

}  // namespace

std::string seconds_text(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string display_id(const ScenarioResult& r) {
  return r.id + (r.repeat_index ? " #" + std::to_string(r.repeat_index + 1) : "");
}

std::string tries_note(const ScenarioResult& r) {
  if (r.earlier_tries.empty()) return "";
  return (r.ok() ? "passed on try " : "failed on every try, ") +
         std::to_string(r.earlier_tries.size() + 1);
}

std::string console_line(const ScenarioResult& r, bool colour_it) {
  std::string line =
      label(r.status, colour_it) + display_id(r) + "  (" + seconds_text(r.seconds) + ")";
  if (!r.reason.empty()) line += ": " + r.reason;
  if (!r.earlier_tries.empty())
    line += "  " + tries_note(r) + (r.ok() ? " (after a failure: the profile's retries)" : "");
  return line;
}

namespace {

// The failed tries before the last one, each as its own failure details.
std::string earlier_tries_details(const ScenarioResult& r) {
  std::string out;
  for (size_t i = 0; i < r.earlier_tries.size(); ++i)
    out += "    try " + std::to_string(i + 1) + " of " + std::to_string(r.earlier_tries.size() + 1) +
           " failed:\n" +
           failure_details(r.earlier_tries[i]);
  return out;
}

}  // namespace

std::string failure_details(const ScenarioResult& r) {
  std::string out = earlier_tries_details(r);
  if (r.ok() && r.status != Status::kXfail) return out;
  for (auto& f : r.failures) {
    out += "    check " + f.check + "\n";
    out += "      expected: " + f.expected + "\n";
    out += "      actual:   " + f.actual + "\n";
  }
  if (r.status == Status::kXfail) return out;
  if (!r.reproduce.empty()) {
    out += "    reproduce:\n";
    for (auto& line : r.reproduce) out += "      " + line + "\n";
  }
  if (!r.artifacts.empty())
    out += "    artifacts: " + r.artifacts + " (<node>.stdout/.stderr, events.jsonl, tmp/)\n";
  return out;
}

std::string summary_line(const std::vector<ScenarioResult>& results, double seconds) {
  std::map<Status, int> n;
  int on_retry = 0;
  for (auto& r : results) {
    ++n[r.status];
    on_retry += r.ok() && !r.earlier_tries.empty();
  }
  std::string retried = on_retry ? " (" + std::to_string(on_retry) + " on retry)" : "";
  return std::to_string(n[Status::kPass]) + " passed" + retried + ", " + std::to_string(n[Status::kFail]) +
         " failed, " + std::to_string(n[Status::kSkip]) + " skipped, " +
         std::to_string(n[Status::kXfail]) + " xfail, " + std::to_string(n[Status::kXpass]) +
         " xpass, " + std::to_string(n[Status::kError]) + " errors in " + seconds_text(seconds);
}

}  // namespace launchcheck
