#include "fault_spec.h"

#include <cctype>

#include "common/signal_names.h"
#include "common/text.h"
#include "substitution.h"

namespace launchcheck {

namespace {

Trigger parse_trigger(const Json& j, const std::string& ptr) {
  ObjectReader r(j, ptr);
  Trigger t;
  int kinds = 0;
  if (auto v = r.number("after_s", 0, kMaxScenarioSeconds)) {
    ++kinds;
    t.kind = Trigger::Kind::kAfter;
    t.seconds = *v;
  }
  if (auto v = r.integer("attempt_started", 0, kMaxCount)) {
    ++kinds;
    t.kind = Trigger::Kind::kAttemptStarted;
    t.attempt = static_cast<int>(*v);
  }
  if (auto v = r.integer("rank_started", 0, kMaxCount)) {
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
  if (auto a = r.integer("attempt", 0, kMaxCount)) {
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
  if (auto d = r.number("delay_s", 0, kMaxScenarioSeconds)) t.delay_s = *d;
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

// {"http": {"method": "PUT", "url": "http://{etcd}/v2/keys/k", "form": {"value": "x"}}}
void parse_http(ObjectReader& r, Action& a) {
  ObjectReader hr(*r.get("http"), r.pointer("http"));
  a.kind = Action::Kind::kHttp;
  a.method = hr.string("method").value_or("GET");
  if (a.method != "GET" && a.method != "PUT" && a.method != "POST" && a.method != "DELETE")
    field_error(hr.pointer("method"), "expected GET, PUT, POST or DELETE");
  a.url = checked(hr.required_string("url"), hr.pointer("url"));
  if (a.url.rfind("http://", 0) != 0) field_error(hr.pointer("url"), "expected http://HOST:PORT/...");
  const Json* form = hr.get("form");
  auto body = hr.string("body");
  if (form && body) field_error(hr.pointer(), "give \"form\" or \"body\", not both");
  if (form) {
    ObjectReader fr(*form, hr.pointer("form"));
    for (auto it = form->begin(); it != form->end(); ++it) {
      auto v = fr.string(it.key());
      if (!v) field_error(fr.pointer(it.key()), "expected a string");
      a.body += (a.body.empty() ? "" : "&") + common::form_urlencode(it.key()) + "=" +
                common::form_urlencode(checked(*v, fr.pointer(it.key())));
    }
    fr.finish();
    a.content_type = "application/x-www-form-urlencoded";
  }
  if (body) a.body = checked(*body, hr.pointer("body"));
  if (auto ct = hr.string("content_type")) a.content_type = *ct;
  if (auto st = hr.integer("expect_status", 100, 599)) {
    a.expect_status = static_cast<int>(*st);
  }
  hr.finish();
}

// isolate, partition, heal, kill_host: how many of them `r` holds.
int parse_host_action(ObjectReader& r, Action& a) {
  int kinds = 0;
  if (auto h = r.string("isolate")) {
    ++kinds;
    a.kind = Action::Kind::kIsolate;
    a.host = *h;
  }
  if (auto h = r.string("kill_host")) {
    ++kinds;
    a.kind = Action::Kind::kKillHost;
    a.host = *h;
  }
  if (const Json* h = r.get("heal")) {
    ++kinds;
    a.kind = Action::Kind::kHeal;
    if (!h->is_boolean() || !h->get<bool>()) field_error(r.pointer("heal"), "expected true");
  }
  if (const Json* p = r.get("partition")) {
    ++kinds;
    a.kind = Action::Kind::kPartition;
    if (!p->is_array() || p->empty())
      field_error(r.pointer("partition"), "expected groups of hosts: [[\"h0\"], [\"h1\", \"h2\"]]");
    for (size_t g = 0; g < p->size(); ++g) {
      std::string gp = r.pointer("partition") + "/" + std::to_string(g);
      const Json& group = (*p)[g];
      if (!group.is_array() || group.empty()) field_error(gp, "expected a non-empty array of hosts");
      a.groups.emplace_back();
      for (size_t i = 0; i < group.size(); ++i) {
        if (!group[i].is_string()) field_error(gp + "/" + std::to_string(i), "expected a host name");
        a.groups.back().push_back(group[i].get<std::string>());
      }
    }
  }
  return kinds;
}

Action parse_action(const Json& j, const std::string& ptr, const ServiceSpec& services) {
  ObjectReader r(j, ptr);
  Action a;
  int kinds = 0;
  auto member = [&](const std::string& target, const std::string& at) {
    std::string why;
    std::string m = parse_service_member(target, services, why);
    if (m.empty()) field_error(at, why);
    a.service = "etcd";
    a.member = m;
  };
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
    } else if (to->rfind("etcd:", 0) == 0) {
      a.target = Action::Target::kService;
      member(*to, r.pointer("to"));
    } else {
      field_error(r.pointer("to"), "expected \"agent:NODE\", \"rank:R\", \"workers\" or "
                                   "\"etcd:MEMBER\", not \"" + *to + "\"");
    }
  }
  if (auto target = r.string("restart")) {
    ++kinds;
    a.kind = Action::Kind::kRestart;
    member(*target, r.pointer("restart"));
  }
  if (r.has("http")) {
    ++kinds;
    parse_http(r, a);
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
    if (auto rep = sr.integer("repeat", 1, 100000000)) a.repeat = static_cast<int>(*rep);
    sr.finish();
  }
  kinds += parse_host_action(r, a);
  if (kinds != 1)
    field_error(ptr,
                "give exactly one of signal, start_node, make_unwritable, send, restart, http, "
                "isolate, partition, heal, kill_host");
  if (a.kind != Action::Kind::kSignal && r.has("to"))
    field_error(r.pointer("to"), "\"to\" goes only with signal");
  r.finish();
  return a;
}

void check_node_ref(const std::set<std::string>& nodes, const std::string& name,
                    const std::string& ptr) {
  if (!nodes.count(name)) field_error(ptr, "no node named \"" + name + "\"");
}

// Host names of a host fault: known, and in a partition each in one group.
void check_host_refs(const Action& a, const std::set<std::string>& hosts, const std::string& ptr) {
  auto known = [&](const std::string& h, const std::string& p) {
    if (hosts.empty()) field_error(p, "a network fault needs \"hosts\" in the scenario");
    if (!hosts.count(h)) field_error(p, "no host named \"" + h + "\"");
  };
  if (a.kind == Action::Kind::kIsolate) known(a.host, ptr + "/isolate");
  if (a.kind == Action::Kind::kKillHost) known(a.host, ptr + "/kill_host");
  if (a.kind == Action::Kind::kHeal && hosts.empty())
    field_error(ptr + "/heal", "a network fault needs \"hosts\" in the scenario");
  std::set<std::string> seen;
  for (size_t g = 0; g < a.groups.size(); ++g)
    for (size_t i = 0; i < a.groups[g].size(); ++i) {
      std::string p = ptr + "/partition/" + std::to_string(g) + "/" + std::to_string(i);
      known(a.groups[g][i], p);
      if (!seen.insert(a.groups[g][i]).second)
        field_error(p, "host \"" + a.groups[g][i] + "\" is in more than one group");
    }
}

}  // namespace

bool is_host_fault(Action::Kind kind) {
  return kind == Action::Kind::kIsolate || kind == Action::Kind::kPartition ||
         kind == Action::Kind::kHeal || kind == Action::Kind::kKillHost;
}

Fault parse_fault(const Json& j, const std::string& ptr, const std::set<std::string>& nodes,
                  const ServiceSpec& services, const std::set<std::string>& hosts) {
  ObjectReader fr(j, ptr);
  Fault fault;
  fault.pointer = ptr;
  const Json* when = fr.get("when");
  const Json* act = fr.get("do");
  if (!when) field_error(fr.pointer("when"), "missing required field");
  if (!act) field_error(fr.pointer("do"), "missing required field");
  fault.when = parse_trigger(*when, fr.pointer("when"));
  fault.action = parse_action(*act, fr.pointer("do"), services);
  fr.finish();
  if (fault.when.kind == Trigger::Kind::kAgentExited)
    check_node_ref(nodes, fault.when.node, fr.pointer("when") + "/agent_exited");
  if (fault.when.kind == Trigger::Kind::kOutputMatches && !fault.when.node.empty())
    check_node_ref(nodes, fault.when.node, fr.pointer("when") + "/node");
  if (fault.action.kind == Action::Kind::kStartNode)
    check_node_ref(nodes, fault.action.node, fr.pointer("do") + "/start_node");
  if (fault.action.kind == Action::Kind::kSignal && fault.action.target == Action::Target::kAgent)
    check_node_ref(nodes, fault.action.node, fr.pointer("do") + "/to");
  check_host_refs(fault.action, hosts, fr.pointer("do"));
  return fault;
}

}  // namespace launchcheck
