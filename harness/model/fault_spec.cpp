#include "fault_spec.h"

#include <cctype>

#include "common/signal_names.h"
#include "substitution.h"

namespace launchcheck {

namespace {

Trigger parse_trigger(const Json& j, const std::string& ptr) {
  ObjectReader r(j, ptr);
  Trigger t;
  int kinds = 0;
  if (auto v = r.number("after_s")) {
    ++kinds;
    t.kind = Trigger::Kind::kAfter;
    t.seconds = *v;
  }
  if (auto v = r.integer("attempt_started")) {
    ++kinds;
    t.kind = Trigger::Kind::kAttemptStarted;
    t.attempt = static_cast<int>(*v);
  }
  if (auto v = r.integer("rank_started")) {
    ++kinds;
    t.kind = Trigger::Kind::kRankStarted;
    t.rank = static_cast<int>(*v);
  }
  if (auto v = r.string("output_matches")) {
    ++kinds;
    t.kind = Trigger::Kind::kOutputMatches;
    t.regex = *v;
    PlaceholderCheck check;
    compile_regex(check, *v, r.pointer("output_matches"));
  }
  if (auto v = r.string("agent_exited")) {
    ++kinds;
    t.kind = Trigger::Kind::kAgentExited;
    t.node = *v;
  }
  if (kinds != 1)
    field_error(ptr,
                "give exactly one of after_s, attempt_started, rank_started, "
                "output_matches, agent_exited");
  if (auto a = r.integer("attempt")) {
    if (t.kind != Trigger::Kind::kRankStarted)
      field_error(r.pointer("attempt"), "\"attempt\" goes only with rank_started");
    t.attempt = static_cast<int>(*a);
  }
  if (auto n = r.string("node")) {
    if (t.kind != Trigger::Kind::kOutputMatches)
      field_error(r.pointer("node"), "\"node\" goes only with output_matches");
    t.node = *n;
  }
  if (auto p = r.boolean("partial")) {
    if (t.kind != Trigger::Kind::kOutputMatches)
      field_error(r.pointer("partial"), "\"partial\" goes only with output_matches");
    t.partial = *p;
  }
  if (auto d = r.number("delay_s")) t.delay_s = *d;
  r.finish();
  return t;
}

std::string decode_hex(const std::string& hex, const std::string& ptr) {
  std::string clean, out;
  for (char c : hex)
    if (!isspace(static_cast<unsigned char>(c))) clean += c;
  if (clean.size() % 2) field_error(ptr, "hex needs an even number of digits");
  for (size_t i = 0; i < clean.size(); i += 2) {
    if (!isxdigit(static_cast<unsigned char>(clean[i])) ||
        !isxdigit(static_cast<unsigned char>(clean[i + 1])))
      field_error(ptr, "not a hex digit pair: \"" + clean.substr(i, 2) + "\"");
    out += static_cast<char>(std::stoi(clean.substr(i, 2), nullptr, 16));
  }
  return out;
}

Action parse_action(const Json& j, const std::string& ptr) {
  ObjectReader r(j, ptr);
  Action a;
  int kinds = 0;
  if (auto sig = r.string("signal")) {
    ++kinds;
    a.kind = Action::Kind::kSignal;
    auto signo = common::signal_from_name(*sig);
    if (!signo) field_error(r.pointer("signal"), "unknown signal \"" + *sig + "\"");
    a.signo = *signo;
    auto to = r.string("to");
    if (!to) field_error(r.pointer("to"), "missing: \"agent:NODE\", \"rank:R\" or \"workers\"");
    if (*to == "workers") {
      a.target = Action::Target::kWorkers;
    } else if (to->rfind("agent:", 0) == 0 && to->size() > 6) {
      a.target = Action::Target::kAgent;
      a.node = to->substr(6);
    } else if (to->rfind("rank:", 0) == 0 && to->size() > 5 &&
               to->find_first_not_of("0123456789", 5) == std::string::npos) {
      a.target = Action::Target::kRank;
      a.rank = std::stoi(to->substr(5));
    } else {
      field_error(r.pointer("to"),
                  "expected \"agent:NODE\", \"rank:R\" or \"workers\", not \"" + *to + "\"");
    }
  }
  if (auto node = r.string("start_node")) {
    ++kinds;
    a.kind = Action::Kind::kStartNode;
    a.node = *node;
  }
  if (auto path = r.string("make_unwritable")) {
    ++kinds;
    a.kind = Action::Kind::kMakeUnwritable;
    a.path = checked(*path, r.pointer("make_unwritable"));
  }
  if (const Json* s = r.get("send")) {
    ++kinds;
    a.kind = Action::Kind::kSend;
    ObjectReader sr(*s, r.pointer("send"));
    a.address = checked(sr.required_string("to"), sr.pointer("to"));
    auto hex = sr.string("hex");
    auto text = sr.string("text");
    if (hex.has_value() == text.has_value())
      field_error(sr.pointer(), "give exactly one of \"hex\" or \"text\"");
    a.bytes = hex ? decode_hex(*hex, sr.pointer("hex")) : *text;
    if (auto rep = sr.integer("repeat")) {
      if (*rep < 1 || *rep > 100000000) field_error(sr.pointer("repeat"), "expected 1..100000000");
      a.repeat = static_cast<int>(*rep);
    }
    sr.finish();
  }
  if (kinds != 1) field_error(ptr, "give exactly one of signal, start_node, make_unwritable, send");
  if (a.kind != Action::Kind::kSignal && r.has("to"))
    field_error(r.pointer("to"), "\"to\" goes only with signal");
  r.finish();
  return a;
}

void check_node_ref(const std::set<std::string>& nodes, const std::string& name,
                    const std::string& ptr) {
  if (!nodes.count(name)) field_error(ptr, "no node named \"" + name + "\"");
}

}  // namespace

Fault parse_fault(const Json& j, const std::string& ptr, const std::set<std::string>& nodes) {
  ObjectReader fr(j, ptr);
  Fault fault;
  fault.pointer = ptr;
  const Json* when = fr.get("when");
  const Json* act = fr.get("do");
  if (!when) field_error(fr.pointer("when"), "missing required field");
  if (!act) field_error(fr.pointer("do"), "missing required field");
  fault.when = parse_trigger(*when, fr.pointer("when"));
  fault.action = parse_action(*act, fr.pointer("do"));
  fr.finish();
  if (fault.when.kind == Trigger::Kind::kAgentExited)
    check_node_ref(nodes, fault.when.node, fr.pointer("when") + "/agent_exited");
  if (fault.when.kind == Trigger::Kind::kOutputMatches && !fault.when.node.empty())
    check_node_ref(nodes, fault.when.node, fr.pointer("when") + "/node");
  if (fault.action.kind == Action::Kind::kStartNode)
    check_node_ref(nodes, fault.action.node, fr.pointer("do") + "/start_node");
  if (fault.action.kind == Action::Kind::kSignal && fault.action.target == Action::Target::kAgent)
    check_node_ref(nodes, fault.action.node, fr.pointer("do") + "/to");
  return fault;
}

}  // namespace launchcheck
