#include "junit.h"

#include <cstdio>

#include "console_report.h"

namespace launchcheck {

std::string xml_escape(const std::string& s) {
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

std::string junit_report(const std::vector<ScenarioResult>& results, double seconds,
                         const std::string& suite_name) {
  int failures = 0, errors = 0, skipped = 0;
  for (auto& r : results) {
    if (r.status == Status::kFail || r.status == Status::kXpass) ++failures;
    if (r.status == Status::kError) ++errors;
    if (r.status == Status::kSkip) ++skipped;
  }
  char head[256];
  snprintf(head, sizeof head,
           "tests=\"%zu\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\"",
           results.size(), failures, errors, skipped, seconds);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites " + std::string(head) + ">\n";
  out += "  <testsuite name=\"" + xml_escape(suite_name) + "\" " + head + ">\n";
  for (auto& r : results) {
    auto slash = r.id.find('/');
    std::string cls = slash == std::string::npos ? "scenarios" : r.id.substr(0, slash);
    char t[32];
    snprintf(t, sizeof t, "%.3f", r.seconds);
    out += "    <testcase classname=\"" + xml_escape(r.profile + "." + cls) + "\" name=\"" +
           xml_escape(display_id(r)) +
           "\" time=\"" + t + "\">\n";
    std::string details = xml_escape(failure_details(r));
    if (r.status == Status::kSkip) {
      out += "      <skipped message=\"" + xml_escape(r.reason) + "\"/>\n";
    } else if (r.status == Status::kFail || r.status == Status::kXpass) {
      std::string msg = r.status == Status::kXpass ? r.reason
                        : r.failures.empty()
                            ? "failed"
                            : r.failures[0].check + ": expected " + r.failures[0].expected +
                                  ", actual " + r.failures[0].actual;
      out += "      <failure message=\"" + xml_escape(msg) + "\">" + details + "</failure>\n";
    } else if (r.status == Status::kError) {
      out += "      <error message=\"" + xml_escape(r.reason) + "\"/>\n";
    } else if (r.status == Status::kXfail) {
      out += "      <system-out>expected failure: " + xml_escape(r.reason) + "\n" + details +
             "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace launchcheck
