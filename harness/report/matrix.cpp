#include "matrix.h"

namespace launchcheck {

namespace {

std::string md_cell(std::string s) {
  for (auto& c : s)
    if (c == '|' || c == '\n') c = c == '|' ? '/' : ' ';
  if (s.size() > 90) s = s.substr(0, 87) + "...";
  return s;
}

std::string verdict(const ScenarioResult& r) {
  switch (r.status) {
    case Status::kPass:
      return r.earlier_tries.empty()
                 ? "pass"
                 : "pass on try " + std::to_string(r.earlier_tries.size() + 1) + " (" +
                       md_cell(r.earlier_tries[0].failures.empty()
                                   ? to_string(r.earlier_tries[0].status)
                                   : r.earlier_tries[0].failures[0].check + " failed first") +
                       ")";
    case Status::kSkip:
      return "skip: " + md_cell(r.reason);
    case Status::kXfail:
      return "xfail: " + md_cell(r.reason);
    case Status::kXpass:
      return "**XPASS**";
    case Status::kError:
      return "**error**: " + md_cell(r.reason);
    case Status::kFail:
      break;
  }
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
      if (r.status != Status::kSkip) ++ran;
      if (r.status == Status::kPass) ++pass;
    }
    out += " " + std::to_string(pass) + "/" + std::to_string(ran) + " |";
  }
  return out + "\n";
}

}  // namespace launchcheck
