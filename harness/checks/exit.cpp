// `exit`: how each agent (the launcher process) ended.
#include <map>

#include "check_text.h"
#include "common/signal_names.h"
#include "families.h"

namespace launchcheck {

namespace {

struct ExitExpect {
  enum class Kind { kCode, kNonzero, kSignal, kAny };
  Kind kind = Kind::kAny;
  int code = 0;
  int signo = 0;
};
using ExitByNode = std::map<std::string, ExitExpect>;  // node -> expected exit; "*" all

std::string describe(const ExitExpect& e) {
  switch (e.kind) {
    case ExitExpect::Kind::kCode:
      return "exit code " + std::to_string(e.code);
    case ExitExpect::Kind::kNonzero:
      return "a non-zero exit";
    case ExitExpect::Kind::kSignal:
      return "death by " + common::signal_name(e.signo);
    case ExitExpect::Kind::kAny:
      return "any exit";
  }
  return "?";
}

ExitExpect parse_one(const Json& v, const std::string& ptr) {
  ExitExpect e;
  std::optional<int> signo =
      v.is_string() ? common::signal_from_name(v.get<std::string>()) : std::optional<int>();
  if (v.is_number_integer()) {
    e.kind = ExitExpect::Kind::kCode;
    e.code = v.get<int>();
    if (e.code < 0 || e.code > 255) field_error(ptr, "exit code must be 0..255");
  } else if (v.is_string() && v == "nonzero") {
    e.kind = ExitExpect::Kind::kNonzero;
  } else if (v.is_string() && v == "any") {
    e.kind = ExitExpect::Kind::kAny;
  } else if (signo && v.get<std::string>().rfind("SIG", 0) == 0) {
    e.kind = ExitExpect::Kind::kSignal;
    e.signo = *signo;
  } else {
    field_error(ptr,
                "expected an exit code, \"nonzero\", \"any\" or a signal name like \"SIGKILL\"");
  }
  return e;
}

bool exit_matches(const ExitExpect& e, const AgentRecord& a) {
  if (!a.exited) return false;
  switch (e.kind) {
    case ExitExpect::Kind::kAny:
      return true;
    case ExitExpect::Kind::kCode:
      return a.signo == 0 && a.exit_code == e.code;
    case ExitExpect::Kind::kNonzero:
      return a.signo != 0 || a.exit_code != 0;
    case ExitExpect::Kind::kSignal:
      return a.signo == e.signo;
  }
  return false;
}

}  // namespace

std::any parse_exit(const ExpectInput& in) {
  const Json* x = in.expect.get(in.key);
  if (!x) return {};
  ExitByNode out;
  if (!x->is_object()) {
    out["*"] = parse_one(*x, in.pointer());
    return out;
  }
  ObjectReader xr(*x, in.pointer());
  for (auto it = x->begin(); it != x->end(); ++it) {
    out[it.key()] = parse_one(*xr.get(it.key()), xr.pointer(it.key()));
    if (it.key() != "*") in.check_node(it.key(), xr.pointer(it.key()));
  }
  return out;
}

void judge_exit(const std::any& spec, Judging& j) {
  const auto& want = std::any_cast<const ExitByNode&>(spec);
  for (auto& a : j.run.agents) {
    auto it = want.find(a.node);
    if (it == want.end()) it = want.find("*");
    if (it == want.end() || exit_matches(it->second, a)) continue;
    std::string actual = describe_exit(a);
    auto lines = lines_of(a.err);
    // Skip blank lines and rules ("=====") to reach the line that says why.
    while (!lines.empty() && lines.back().find_first_not_of(" \t\r=-*") == std::string::npos)
      lines.pop_back();
    if (!lines.empty() && (a.signo || a.exit_code != 0))
      actual += "; its last stderr line: \"" + clip(lines.back(), 200) + "\"";
    j.fail("exit " + a.node, describe(it->second), actual);
  }
}

}  // namespace launchcheck
