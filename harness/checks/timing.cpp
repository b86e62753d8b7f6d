// `timing`: how long from one recorded moment to another: a fixture event
// (the first or last matching one), an agent's start or exit, a fault's
// application. Jepsen's history has the times; this check compares two.
//   {"from": {"event": {"ev": "exit", "code": 3, "node": "b"}},
//    "to": {"agent_exit": "a"}, "max_s": 5}
#include <set>

#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct Moment {
  enum class Kind { kEvent, kAgentStart, kAgentExit, kFault } kind = Kind::kEvent;
  // kEvent: the fields to match (any subset).
  std::optional<std::string> ev, node, step, sig, role;
  std::optional<int> rank, code;
  std::string step_text;  // substituted
  bool last = false;      // the last matching event instead of the first
  std::string agent;      // kAgentStart/kAgentExit
  int fault = -1;         // kFault: index into `faults`
  std::string what;       // for messages
};

struct TimingExpect {
  Moment from, to;
  std::optional<double> min_s, max_s;
};
using TimingExpects = std::vector<TimingExpect>;

Moment parse_event_moment(const ExpectInput& in, const Json& j, const std::string& p, Moment m) {
  ObjectReader er(j, p);
  m.ev = er.string("ev");
  m.node = er.string("node");
  if (m.node) in.check_node(*m.node, er.pointer("node"));
  m.step = er.string("step");
  if (m.step) m.step_text = in.text(*m.step, er.pointer("step"));
  m.sig = er.string("sig");
  m.role = er.string("role");
  if (auto r = er.integer("rank")) m.rank = static_cast<int>(*r);
  if (auto c = er.integer("code")) m.code = static_cast<int>(*c);
  er.finish();
  m.what = (m.last ? "last event" : "first event") + std::string(" ") + j.dump();
  return m;
}

Moment parse_moment(const ExpectInput& in, const Json& j, const std::string& p) {
  ObjectReader mr(j, p);
  Moment m;
  int kinds = 0;
  if (auto which = mr.string("which")) {
    if (*which != "first" && *which != "last")
      field_error(mr.pointer("which"), "expected \"first\" or \"last\"");
    m.last = *which == "last";
  }
  if (const Json* e = mr.get("event")) {
    ++kinds;
    m = parse_event_moment(in, *e, mr.pointer("event"), m);
  }
  for (const char* key : {"agent_start", "agent_exit"}) {
    if (auto a = mr.string(key)) {
      ++kinds;
      in.check_node(*a, mr.pointer(key));
      m.kind = std::string(key) == "agent_start" ? Moment::Kind::kAgentStart
                                                 : Moment::Kind::kAgentExit;
      m.agent = *a;
      m.what = std::string(key) + " " + *a;
    }
  }
  if (auto f = mr.integer("fault")) {
    ++kinds;
    m.kind = Moment::Kind::kFault;
    if (*f < 0) field_error(mr.pointer("fault"), "expected an index >= 0");
    m.fault = static_cast<int>(*f);
    m.what = "fault " + std::to_string(*f);
  }
  if (kinds != 1) field_error(p, "give exactly one of event, agent_start, agent_exit, fault");
  if (m.last && m.kind != Moment::Kind::kEvent)
    field_error(mr.pointer("which"), "\"which\" goes only with event");
  mr.finish();
  return m;
}

TimingExpect parse_one(const ExpectInput& in, const Json& a, const std::string& p) {
  ObjectReader tr(a, p);
  TimingExpect t;
  const Json* from = tr.get("from");
  const Json* to = tr.get("to");
  if (!from || !to) field_error(p, "needs \"from\" and \"to\"");
  t.from = parse_moment(in, *from, tr.pointer("from"));
  t.to = parse_moment(in, *to, tr.pointer("to"));
  t.min_s = tr.number("min_s");
  t.max_s = tr.number("max_s");
  if (!t.min_s && !t.max_s) field_error(p, "give min_s, max_s or both");
  tr.finish();
  return t;
}

bool matches(const Moment& m, const WorkerEvent& e) {
  return (!m.ev || e.ev == *m.ev) && (!m.node || e.node == *m.node) &&
         (!m.step || e.step == m.step_text) && (!m.sig || e.sig == *m.sig) &&
         (!m.role || e.role == *m.role) && (!m.rank || e.rank == m.rank) &&
         (!m.code || e.code == m.code);
}

// The moment's time (CLOCK_MONOTONIC ns), or nullopt when it never happened.
std::optional<int64_t> when(const Moment& m, const Judging& j) {
  switch (m.kind) {
    case Moment::Kind::kEvent: {
      std::optional<int64_t> t;
      for (auto& e : j.run.events)
        if (matches(m, e) && (!t || (m.last ? e.mono_ns > *t : e.mono_ns < *t))) t = e.mono_ns;
      return t;
    }
    case Moment::Kind::kAgentStart:
    case Moment::Kind::kAgentExit: {
      const AgentRecord* a = j.run.agent(m.agent);
      if (!a || !a->started) return std::nullopt;
      if (m.kind == Moment::Kind::kAgentStart) return a->start_ns;
      return a->exited ? std::optional<int64_t>(a->end_ns) : std::nullopt;
    }
    case Moment::Kind::kFault: {
      if (m.fault < 0 || static_cast<size_t>(m.fault) >= j.scenario.faults.size())
        return std::nullopt;
      const std::string& ptr = j.scenario.faults[static_cast<size_t>(m.fault)].pointer;
      for (auto& f : j.run.faults)
        if (f.pointer == ptr && f.outcome.empty()) return f.at_ns;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void judge_one(const TimingExpect& t, Judging& j) {
  std::string check = "timing " + t.from.what + " -> " + t.to.what;
  auto from = when(t.from, j);
  auto to = when(t.to, j);
  if (!from || !to) {
    j.fail(check, "both moments recorded",
           std::string(!from ? t.from.what : t.to.what) + " never happened");
    return;
  }
  double s = static_cast<double>(*to - *from) / 1e9;
  if (t.max_s && s > *t.max_s)
    j.fail(check, "<= " + std::to_string(*t.max_s) + " s", std::to_string(s) + " s");
  if (t.min_s && s < *t.min_s)
    j.fail(check, ">= " + std::to_string(*t.min_s) + " s", std::to_string(s) + " s");
}

}  // namespace

std::any parse_timing(const ExpectInput& in) {
  return parse_items<TimingExpect>(in, parse_one);
}

void judge_timing(const std::any& spec, Judging& j) {
  for (auto& t : std::any_cast<const TimingExpects&>(spec)) judge_one(t, j);
}

}  // namespace launchcheck
