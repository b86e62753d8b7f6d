#include "matrix.h"

#include <map>
#include <set>

namespace {

// Table cells are one line and must not hold a column separator.
std::string cell_text(std::string s, size_t limit = 160) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() > limit) s = s.substr(0, limit - 3) + "...";
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string first_failure(const ScenarioResult& r) {
  if (r.failures.empty()) return r.reason.empty() ? "failed" : r.reason;
  const auto& f = r.failures[0];
  std::string s = f.check + ": " + f.actual;
  if (r.failures.size() > 1) s += " (+" + std::to_string(r.failures.size() - 1) + " more)";
  return s;
}

}  // namespace

std::string matrix_cell(const ScenarioResult& r) {
  if (r.status == "pass") return "pass";
  if (r.status == "skip") return cell_text("skip: " + r.reason);
  if (r.status == "xfail") return cell_text("fail (expected): " + r.reason);
  if (r.status == "xpass")
    return "**unexpected pass** (listed as xfail: " + cell_text(r.reason) + ")";
  if (r.status == "error") return cell_text("**error**: " + r.reason);
  return "**fail**: " + cell_text(first_failure(r));
}

std::string matrix_markdown(const std::vector<MatrixColumn>& columns) {
  std::set<std::string> ids;
  std::vector<std::map<std::string, const ScenarioResult*>> by_id(columns.size());
  for (size_t c = 0; c < columns.size(); ++c)
    for (auto& r : columns[c].results) {
      ids.insert(r.id);
      by_id[c][r.id] = &r;
    }
  std::string out = "| scenario |";
  for (auto& col : columns) out += " " + cell_text(col.profile) + " |";
  out += "\n|---|";
  for (size_t c = 0; c < columns.size(); ++c) out += "---|";
  out += "\n";
  for (auto& id : ids) {
    out += "| `" + id + "` |";
    for (size_t c = 0; c < columns.size(); ++c) {
      auto it = by_id[c].find(id);
      out += " " + (it == by_id[c].end() ? std::string("-") : matrix_cell(*it->second)) + " |";
    }
    out += "\n";
  }
  out += "\n";
  for (auto& col : columns) {
    std::map<std::string, int> n;
    for (auto& r : col.results) ++n[r.status];
    out += "- **" + cell_text(col.profile) + "**: " + std::to_string(n["pass"]) + " pass, " +
           std::to_string(n["fail"] + n["xfail"] + n["xpass"] + n["error"]) + " fail (" +
           std::to_string(n["xfail"]) + " expected), " + std::to_string(n["skip"]) + " skip\n";
  }
  return out;
}
