#include "failure_summary.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/signal_names.h"
#include "common/text.h"

namespace refrun {

namespace {
// A worker writes this file; a worker can write gigabytes.
constexpr std::streamsize kMaxErrorFile = 4 << 20;

// Seconds since 1970 that time_t and strftime can show (up to year 5138);
// anything else (1e300, nan, negative) is no timestamp at all.
std::optional<double> plausible_timestamp(double ts) {
  if (!std::isfinite(ts) || ts < 0 || ts > 1e11) return std::nullopt;
  return ts;
}
}  // namespace

std::optional<ErrorRecord> read_error_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(static_cast<size_t>(kMaxErrorFile) + 1, '\0');
  in.read(text.data(), kMaxErrorFile + 1);
  if (in.gcount() > kMaxErrorFile) return std::nullopt;
  text.resize(static_cast<size_t>(in.gcount()));
  return parse_error_record(text);
}

std::optional<ErrorRecord> parse_error_record(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("message")) return std::nullopt;
  ErrorRecord r;
  const auto& m = j["message"];
  if (m.is_string()) {
    r.message = m.get<std::string>();
  } else if (m.is_object()) {
    if (m.contains("message") && m["message"].is_string()) r.message = m["message"];
    if (m.contains("extraInfo") && m["extraInfo"].is_object()) {
      const auto& extra = m["extraInfo"];
      if (extra.contains("py_callstack") && extra["py_callstack"].is_string())
        r.traceback = extra["py_callstack"];
      if (extra.contains("timestamp")) {
        const auto& ts = extra["timestamp"];
        double v = 0;
        if (ts.is_number()) r.timestamp = plausible_timestamp(ts.get<double>());
        if (ts.is_string() && common::parse_double(common::trim(ts.get<std::string>()), v))
          r.timestamp = plausible_timestamp(v);
      }
    }
  } else {
    return std::nullopt;
  }
  // Upstream shows py_callstack, falling back to the message, then <N/A>.
  if (r.traceback.empty()) r.traceback = r.message.empty() ? "<N/A>" : r.message;
  return r;
}

std::string local_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

namespace {

struct Shown {
  const WorkerFailure* f;
  double timestamp;
  std::string error_file;
  std::string message;
};

// datetime.fromtimestamp(ts).isoformat(sep="_") for whole seconds.
std::string iso_time(double ts) {
  time_t t = static_cast<time_t>(ts);
  tm local{};
  localtime_r(&t, &local);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%d_%H:%M:%S", &local);
  return buf;
}

Shown describe(const WorkerFailure& f) {
  Shown s{&f, f.time, "<N/A>", ""};
  if (auto rec = read_error_file(f.error_file)) {
    s.error_file = f.error_file;
    s.message = rec->traceback;
    if (rec->timestamp) s.timestamp = *rec->timestamp;
  }
  if (s.message.empty()) {
    if (f.exitcode < 0)
      s.message = "Signal " + std::to_string(-f.exitcode) + " (" +
                  common::signal_name(-f.exitcode) + ") received by PID " + std::to_string(f.pid);
    else
      s.message = "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html";
  }
  return s;
}

std::string format_one(int idx, const Shown& s, const std::string& host) {
  std::string msg;
  for (char c : s.message) {
    msg += c;
    if (c == '\n') msg += "  ";  // indents a multi-line traceback
  }
  std::ostringstream o;
  o << "[" << idx << "]:\n"
    << "  time      : " << iso_time(s.timestamp) << "\n"
    << "  host      : " << host << "\n"
    << "  rank      : " << s.f->rank << " (local_rank: " << s.f->local_rank << ")\n"
    << "  exitcode  : " << s.f->exitcode << " (pid: " << s.f->pid << ")\n"
    << "  error_file: " << s.error_file << "\n"
    << "  traceback : " << msg;
  return o.str();
}

size_t widest_line(const std::string& text) {
  size_t width = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) width = std::max(width, line.size());
  return width;
}

}  // namespace

std::string format_failure_summary(const std::string& name,
                                   const std::vector<WorkerFailure>& failures,
                                   const std::string& hostname) {
  std::string title = name + " FAILED";
  std::vector<Shown> shown;
  for (const auto& f : failures) shown.push_back(describe(f));
  // Earliest wins; ties keep observation order (stable).
  size_t root = 0;
  for (size_t i = 1; i < shown.size(); ++i)
    if (shown[i].timestamp < shown[root].timestamp) root = i;
  const WorkerFailure* root_failure = shown.empty() ? nullptr : shown[root].f;
  // Upstream numbers failures in rank order.
  std::stable_sort(shown.begin(), shown.end(),
                   [](const Shown& a, const Shown& b) { return a.f->rank < b.f->rank; });

  size_t width = title.size();
  std::string root_fmt;
  std::vector<std::string> others;
  for (size_t i = 0; i < shown.size(); ++i) {
    std::string fmt = format_one(static_cast<int>(i), shown[i], hostname);
    width = std::max(width, widest_line(fmt));
    if (shown[i].f == root_failure)
      root_fmt = fmt;
    else
      others.push_back(fmt);
  }
  width = std::min<size_t>(width, 60);
  std::string other_fmt;
  for (const auto& o : others) other_fmt += (other_fmt.empty() ? "" : "\n") + o;
  if (other_fmt.empty()) other_fmt = "  <NO_OTHER_FAILURES>";

  std::string border(width, '='), section(width, '-');
  return border + "\n" + title + "\n" + section + "\nFailures:\n" + other_fmt + "\n" + section +
         "\nRoot Cause (first observed failure):\n" + root_fmt + "\n" + border + "\n";
}

}  // namespace refrun
