#include "junit.h"

#include <cstdio>

#include "console_report.h"
#include "utf8.h"

namespace launchcheck {

std::string xml_escape(const std::string& raw) {
  std::string s = escape_invalid_utf8(raw);
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 cannot carry most control characters, even escaped.
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
          out += "?";
        else
          out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

std::string attr(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + xml_escape(value) + "\"";
}

std::string property(const std::string& name, const std::string& value) {
  return "      <property" + attr("name", name) + attr("value", value) + "/>\n";
}

// What a CI page shows for a failed or erroneous scenario: the first failed
// check as the message, every check with the reproduce lines as the body.
std::string problem(const ScenarioResult& r) {
  std::string details = xml_escape(failure_details(r));
  if (r.status == Status::kError)
    return "      <error" + attr("message", r.reason) + attr("type", "error") + ">" +
           xml_escape(r.reason) + "\n" + details + "</error>\n";
  std::string msg = !r.reason.empty() || r.failures.empty()
                        ? (r.reason.empty() ? "failed" : r.reason)
                        : r.failures[0].check + ": expected " + r.failures[0].expected +
                              ", actual " + r.failures[0].actual;
  std::string type = r.status == Status::kXpass ? "xpass"
                     : r.failures.empty()       ? "fail"
                                                : r.failures[0].check;
  return "      <failure" + attr("message", msg) + attr("type", type) + ">" + details +
         "</failure>\n";
}

std::string testcase(const ScenarioResult& r) {
  auto slash = r.id.find('/');
  std::string cls = slash == std::string::npos ? "scenarios" : r.id.substr(0, slash);
  char t[32];
  snprintf(t, sizeof t, "%.3f", r.seconds);
  std::string out = "    <testcase" + attr("classname", r.profile + "." + cls) +
                    attr("name", display_id(r)) + attr("time", t) + ">\n";
  if (r.status == Status::kSkip) {
    out += "      <skipped" + attr("message", r.reason) + "/>\n";
  } else if (is_failure(r.status)) {
    out += problem(r);
  } else if (!r.earlier_tries.empty()) {
    out += "      <system-out>" + tries_note(r) + " (the profile's retries)\n" +
           xml_escape(failure_details(r)) + "</system-out>\n";
  } else if (r.status == Status::kXfail) {
    out += "      <system-out>expected failure: " + xml_escape(r.reason) + "\n" +
           xml_escape(failure_details(r)) + "</system-out>\n";
  }
  return out + "    </testcase>\n";
}

}  // namespace

// Valid against Jenkins' junit-10.xsd (report/schemas/, checked by a test):
// no `skipped` on <testsuites>; timestamp, hostname and properties on the
// <testsuite> as the Ant schema wants them.
std::string junit_report(const std::vector<ScenarioResult>& results, double seconds,
                         const RunInfo& info) {
  int failures = 0, errors = 0, skipped = 0;
  for (auto& r : results) {
    if (r.status == Status::kFail || r.status == Status::kXpass) ++failures;
    if (r.status == Status::kError) ++errors;
    if (r.status == Status::kSkip) ++skipped;
  }
  char counts[160];
  snprintf(counts, sizeof counts, " tests=\"%zu\" failures=\"%d\" errors=\"%d\"", results.size(),
           failures, errors);
  char time[48];
  snprintf(time, sizeof time, " time=\"%.3f\"", seconds);
  std::string name = "launchcheck." + info.profile;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites" + attr("name", name) + counts + time + ">\n";
  out += "  <testsuite" + attr("name", name) + counts + attr("skipped", std::to_string(skipped)) +
         time + attr("timestamp", info.timestamp) + attr("hostname", info.hostname) + ">\n";
  out += "    <properties>\n" + property("profile", info.profile);
  if (!info.seed.empty()) out += property("seed", info.seed);
  if (info.signal) out += property("interrupted_by_signal", std::to_string(info.signal));
  if (info.not_run) out += property("not_run", std::to_string(info.not_run));
  out += "    </properties>\n";
  for (auto& r : results) out += testcase(r);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace launchcheck
