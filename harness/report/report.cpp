#include "report.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace {

std::string seconds_text(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string label(const std::string& status) {
  std::string l = status;
  std::transform(l.begin(), l.end(), l.begin(), ::toupper);
  l.resize(6, ' ');
  return l;
}

std::string display_id(const ScenarioResult& r) {
  return r.id + (r.repeat_index ? " #" + std::to_string(r.repeat_index + 1) : "");
}

}  // namespace

std::string console_line(const ScenarioResult& r) {
  std::string line = label(r.status) + display_id(r) + "  (" + seconds_text(r.seconds) + ")";
  if (!r.reason.empty() && r.status != "fail") line += ": " + r.reason;
  return line;
}

std::string failure_details(const ScenarioResult& r) {
  if (r.ok() && r.status != "xfail") return "";
  std::string out;
  for (auto& f : r.failures) {
    out += "    check " + f.check + "\n";
    out += "      expected: " + f.expected + "\n";
    out += "      actual:   " + f.actual + "\n";
  }
  if (r.status == "xfail") return out;
  if (!r.reproduce.empty()) {
    out += "    reproduce:\n";
    for (auto& line : r.reproduce) out += "      " + line + "\n";
  }
  if (!r.artifacts.empty())
    out += "    artifacts: " + r.artifacts + " (<node>.stdout/.stderr, events.jsonl, tmp/)\n";
  return out;
}

std::string summary_line(const std::vector<ScenarioResult>& results, double seconds) {
  std::map<std::string, int> n;
  for (auto& r : results) ++n[r.status];
  return std::to_string(n["pass"]) + " passed, " + std::to_string(n["fail"]) + " failed, " +
         std::to_string(n["skip"]) + " skipped, " + std::to_string(n["xfail"]) + " xfail, " +
         std::to_string(n["xpass"]) + " xpass, " + std::to_string(n["error"]) + " errors in " +
         seconds_text(seconds);
}

Json json_report(const std::vector<ScenarioResult>& results, double seconds) {
  Json all = Json::array();
  std::map<std::string, int> n;
  for (auto& r : results) {
    all.push_back(r.to_json());
    ++n[r.status];
  }
  bool ok = std::all_of(results.begin(), results.end(), [](auto& r) { return r.ok(); });
  return {{"ok", ok}, {"seconds", seconds}, {"counts", n}, {"results", all}};
}

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
    if (r.status == "fail" || r.status == "xpass") ++failures;
    if (r.status == "error") ++errors;
    if (r.status == "skip") ++skipped;
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
           xml_escape(r.id + (r.repeat_index ? " #" + std::to_string(r.repeat_index + 1) : "")) +
           "\" time=\"" + t + "\">\n";
    std::string details = xml_escape(failure_details(r));
    if (r.status == "skip") {
      out += "      <skipped message=\"" + xml_escape(r.reason) + "\"/>\n";
    } else if (r.status == "fail" || r.status == "xpass") {
      std::string msg = r.status == "xpass" ? r.reason
                        : r.failures.empty()
                            ? "failed"
                            : r.failures[0].check + ": expected " + r.failures[0].expected +
                                  ", actual " + r.failures[0].actual;
      out += "      <failure message=\"" + xml_escape(msg) + "\">" + details + "</failure>\n";
    } else if (r.status == "error") {
      out += "      <error message=\"" + xml_escape(r.reason) + "\"/>\n";
    } else if (r.status == "xfail") {
      out += "      <system-out>expected failure: " + xml_escape(r.reason) + "\n" + details +
             "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

namespace {

std::string md_cell(std::string s) {
  for (auto& c : s)
    if (c == '|' || c == '\n') c = c == '|' ? '/' : ' ';
  if (s.size() > 90) s = s.substr(0, 87) + "...";
  return s;
}

std::string verdict(const ScenarioResult& r) {
  if (r.status == "pass") return "pass";
  if (r.status == "skip") return "skip: " + md_cell(r.reason);
  if (r.status == "xfail") return "xfail: " + md_cell(r.reason);
  if (r.status == "xpass") return "**XPASS**";
  if (r.status == "error") return "**error**: " + md_cell(r.reason);
  std::string why = r.failures.empty() ? "" : r.failures[0].check;
  if (r.failures.size() > 1) why += " (+" + std::to_string(r.failures.size() - 1) + ")";
  return "**FAIL**: " + md_cell(why);
}

}  // namespace

std::string matrix_markdown(
    const std::vector<std::string>& ids,
    const std::vector<std::pair<std::string, std::vector<ScenarioResult>>>& columns) {
  std::string out = "| scenario |";
  std::string rule = "|---|";
  for (auto& [name, results] : columns) {
    out += " " + md_cell(name) + " |";
    rule += "---|";
  }
  out += "\n" + rule + "\n";
  for (auto& id : ids) {
    out += "| " + md_cell(id) + " |";
    for (auto& [name, results] : columns) {
      std::string cell = "not run";
      for (auto& r : results)
        if (r.id == id) cell = verdict(r);
      out += " " + cell + " |";
    }
    out += "\n";
  }
  out += "| **passed** |";
  for (auto& [name, results] : columns) {
    int pass = 0, ran = 0;
    for (auto& r : results) {
      if (r.status != "skip") ++ran;
      if (r.status == "pass") ++pass;
    }
    out += " " + std::to_string(pass) + "/" + std::to_string(ran) + " |";
  }
  return out + "\n";
}
