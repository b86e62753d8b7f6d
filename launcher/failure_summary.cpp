#include "failure_summary.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <sstream>

#include "common/signal_names.h"

namespace refrun {

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
  ErrorFile file;
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

Shown describe(const WorkerFailure& f, std::vector<std::string>& warnings) {
  Shown s{&f, f.time, "<N/A>", "", read_error_file(f.error_file)};
  if (s.file.status == ErrorFile::Status::kRecord) {
    s.error_file = f.error_file;
    s.message = s.file.record.traceback;
    s.timestamp = s.file.record.timestamp;
  } else if (s.file.status == ErrorFile::Status::kUnreadable) {
    // Upstream's agent dies on such a file; refrun says so and goes on.
    warnings.push_back("refrun: warning: error file " + f.error_file + " of rank " +
                       std::to_string(f.rank) + ": " + s.file.problem +
                       "; using the time refrun saw the worker exit");
    s.error_file = f.error_file;
    s.message = "<unreadable error file: " + s.file.problem + ">";
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

FailureReport report_failures(const std::string& name, const std::vector<WorkerFailure>& failures,
                              const std::string& hostname) {
  FailureReport report;
  std::string title = name + " FAILED";
  std::vector<Shown> shown;
  for (const auto& f : failures) shown.push_back(describe(f, report.warnings));
  // Earliest wins; ties go to the lowest rank, as upstream's dict order.
  size_t root = 0;
  for (size_t i = 1; i < shown.size(); ++i)
    if (shown[i].timestamp < shown[root].timestamp ||
        (shown[i].timestamp == shown[root].timestamp && shown[i].f->rank < shown[root].f->rank))
      root = i;
  const WorkerFailure* root_failure = shown.empty() ? nullptr : shown[root].f;
  if (root_failure) {
    report.root = root;
    report.root_error = shown[root].file;
  }
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
  report.summary = border + "\n" + title + "\n" + section + "\nFailures:\n" + other_fmt + "\n" +
                   section + "\nRoot Cause (first observed failure):\n" + root_fmt + "\n" + border +
                   "\n";
  return report;
}

std::string format_failure_summary(const std::string& name,
                                   const std::vector<WorkerFailure>& failures,
                                   const std::string& hostname) {
  return report_failures(name, failures, hostname).summary;
}

}  // namespace refrun
