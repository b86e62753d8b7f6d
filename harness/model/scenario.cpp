#include "scenario.h"

#include <filesystem>
#include <regex>
#include <set>

#include "placeholders.h"
#include "signals.h"

namespace fs = std::filesystem;

const std::map<std::string, bool>& known_launch_options() {
  static const std::map<std::string, bool> options = {
      {"nnodes", false},
      {"nproc_per_node", false},
      {"rdzv_backend", false},
      {"rdzv_endpoint", false},
      {"rdzv_id", false},
      {"rdzv_conf", false},
      {"standalone", true},
      {"max_restarts", false},
      {"monitor_interval", false},
      {"start_method", false},
      {"role", false},
      {"module", true},
      {"no_python", true},
      {"run_path", true},
      {"log_dir", false},
      {"redirects", false},
      {"tee", false},
      {"local_ranks_filter", false},
      {"node_rank", false},
      {"master_addr", false},
      {"master_port", false},
      {"local_addr", false},
      {"logs_specs", false},
      {"signals_to_handle", false},
      {"virtual_local_rank", true},
  };
  return options;
}

std::string describe(const ExitExpect& e) {
  switch (e.kind) {
    case ExitExpect::Kind::kCode:
      return "exit code " + std::to_string(e.code);
    case ExitExpect::Kind::kNonzero:
      return "a non-zero exit";
    case ExitExpect::Kind::kSignal:
      return "death by " + signal_name(e.signo);
    case ExitExpect::Kind::kAny:
      return "any exit";
  }
  return "?";
}

namespace {

// Strings that will be resolved must name only known placeholders.
std::string checked(const std::string& s, const std::string& pointer) {
  std::string why = check_placeholders(s);
  if (!why.empty()) field_error(pointer, why);
  return s;
}

void check_regex(const std::string& re, const std::string& pointer) {
  if (re.find("{tmp}") != std::string::npos || re.find("{port") != std::string::npos) return;
  try {
    std::regex r(re);
  } catch (const std::regex_error& e) {
    field_error(pointer, "invalid regex \"" + re + "\": " + e.what());
  }
}

std::string option_value(const Json& v, bool flag, const std::string& pointer) {
  if (flag) {
    if (!v.is_boolean()) field_error(pointer, "expected true or false, got " + json_type_name(v));
    return v.get<bool>() ? "true" : "false";
  }
  if (v.is_string()) return checked(v.get<std::string>(), pointer);
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return v.dump();
  field_error(pointer, "expected a string or a number, got " + json_type_name(v));
}

WorkerSpec parse_worker(const Json& j, const std::string& ptr) {
  ObjectReader r(j, ptr);
  WorkerSpec w;
  auto fixture = r.string("fixture");
  auto program = r.string("program");
  if (fixture.has_value() == program.has_value())
    field_error(ptr, "give exactly one of \"fixture\" or \"program\"");
  if (fixture) {
    if (*fixture != "cpp" && *fixture != "python" && *fixture != "shell")
      field_error(r.pointer("fixture"),
                  "fixture must be cpp, python or shell, not \"" + *fixture + "\"");
    w.fixture = *fixture;
  } else {
    w.program = checked(*program, r.pointer("program"));
  }
  auto args = r.strings("args");
  if (args)
    for (size_t i = 0; i < args->size(); ++i)
      w.args.push_back(checked((*args)[i], r.pointer("args") + "/" + std::to_string(i)));
  r.finish();
  return w;
}

NodeSpec parse_node(const Json& j, const std::string& ptr, size_t index) {
  ObjectReader r(j, ptr);
  NodeSpec n;
  n.name = r.string("name").value_or("n" + std::to_string(index));
  if (n.name.empty()) field_error(r.pointer("name"), "node name must not be empty");
  if (const Json* o = r.get("options")) {
    ObjectReader opts(*o, r.pointer("options"));
    for (auto it = o->begin(); it != o->end(); ++it) {
      auto known = known_launch_options().find(it.key());
      if (known == known_launch_options().end()) continue;  // finish() reports it
      n.options[it.key()] =
          option_value(*opts.get(it.key()), known->second, opts.pointer(it.key()));
    }
    opts.finish();
  }
  if (const Json* e = r.get("env")) {
    ObjectReader env(*e, r.pointer("env"));
    for (auto it = e->begin(); it != e->end(); ++it) {
      env.get(it.key());
      if (it->is_null())
        n.env.emplace_back(it.key(), std::nullopt);
      else if (it->is_string())
        n.env.emplace_back(it.key(), checked(it->get<std::string>(), env.pointer(it.key())));
      else
        field_error(env.pointer(it.key()), "expected a string, or null to remove the variable");
    }
  }
  if (const Json* s = r.get("start")) {
    if (s->is_string()) {
      if (*s == "held")
        n.held = true;
      else if (*s != "now")
        field_error(r.pointer("start"), "start must be \"now\", \"held\" or {\"after_s\": N}");
    } else {
      ObjectReader sr(*s, r.pointer("start"));
      auto after = sr.number("after_s");
      if (!after || *after < 0) field_error(sr.pointer("after_s"), "expected a number >= 0");
      n.start_after_s = *after;
      sr.finish();
    }
  }
  auto raw = r.strings("raw_args");
  if (raw) {
    std::vector<std::string> args;
    for (size_t i = 0; i < raw->size(); ++i)
      args.push_back(checked((*raw)[i], r.pointer("raw_args") + "/" + std::to_string(i)));
    n.raw_args = args;
    if (r.has("worker") || r.has("options"))
      field_error(r.pointer("raw_args"),
                  "raw_args replaces \"options\" and \"worker\"; give only one");
  } else {
    const Json* w = r.get("worker");
    if (!w) field_error(r.pointer("worker"), "missing required field (or give raw_args)");
    n.worker = parse_worker(*w, r.pointer("worker"));
  }
  r.finish();
  return n;
}

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
    check_regex(*v, r.pointer("output_matches"));
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
    a.signo = signal_from_name(*sig);
    if (!a.signo) field_error(r.pointer("signal"), "unknown signal \"" + *sig + "\"");
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

ExitExpect parse_exit(const Json& v, const std::string& ptr) {
  ExitExpect e;
  if (v.is_number_integer()) {
    e.kind = ExitExpect::Kind::kCode;
    e.code = v.get<int>();
    if (e.code < 0 || e.code > 255) field_error(ptr, "exit code must be 0..255");
  } else if (v.is_string() && v == "nonzero") {
    e.kind = ExitExpect::Kind::kNonzero;
  } else if (v.is_string() && v == "any") {
    e.kind = ExitExpect::Kind::kAny;
  } else if (v.is_string() && signal_from_name(v.get<std::string>()) &&
             v.get<std::string>().rfind("SIG", 0) == 0) {
    e.kind = ExitExpect::Kind::kSignal;
    e.signo = signal_from_name(v.get<std::string>());
  } else {
    field_error(ptr,
                "expected an exit code, \"nonzero\", \"any\" or a signal name like \"SIGKILL\"");
  }
  return e;
}

template <typename F>
void each(ObjectReader& r, const std::string& key, F f) {
  const Json* v = r.get(key);
  if (!v) return;
  if (!v->is_array()) field_error(r.pointer(key), "expected an array");
  for (size_t i = 0; i < v->size(); ++i) f((*v)[i], r.pointer(key) + "/" + std::to_string(i));
}

void parse_text_fields(ObjectReader& r, TextExpect& t) {
  t.node = r.string("node").value_or("");
  t.stream = r.string("stream").value_or("both");
  if (t.stream != "stdout" && t.stream != "stderr" && t.stream != "both")
    field_error(r.pointer("stream"), "stream must be stdout, stderr or both");
  if (auto f = r.string("file")) t.file = checked(*f, r.pointer("file"));
  if (!t.file.empty() && (r.has("node") || r.has("stream")))
    field_error(r.pointer("file"), "\"file\" excludes \"node\" and \"stream\"");
}

Expect parse_expect(const Json& j, const std::string& ptr) {
  ObjectReader r(j, ptr);
  Expect e;
  if (const Json* x = r.get("exit")) {
    if (x->is_object()) {
      ObjectReader xr(*x, r.pointer("exit"));
      for (auto it = x->begin(); it != x->end(); ++it)
        e.exit[it.key()] = parse_exit(*xr.get(it.key()), xr.pointer(it.key()));
    } else {
      e.exit["*"] = parse_exit(*x, r.pointer("exit"));
    }
  }
  each(r, "attempts", [&](const Json& a, const std::string& p) {
    ObjectReader ar(a, p);
    AttemptExpect ae;
    ae.attempt = static_cast<int>(ar.integer("attempt").value_or(0));
    ae.started = ar.integers("started");
    ae.succeeded = ar.integers("succeeded");
    ar.finish();
    e.attempts.push_back(ae);
  });
  if (auto w = r.integer("world_size")) e.world_size = static_cast<int>(*w);
  if (auto w = r.integer("restarts")) e.restarts = static_cast<int>(*w);
  each(r, "env", [&](const Json& a, const std::string& p) {
    ObjectReader er(a, p);
    EnvExpect ee;
    ee.var = er.required_string("var");
    ee.equals = er.string("equals");
    if (ee.equals) checked(*ee.equals, er.pointer("equals"));
    ee.regex = er.string("regex");
    if (ee.regex) check_regex(*ee.regex, er.pointer("regex"));
    ee.present = er.boolean("present");
    ee.same_across_ranks = er.boolean("same_across_ranks").value_or(false);
    if (auto rk = er.integer("rank")) ee.rank = static_cast<int>(*rk);
    ee.node = er.string("node").value_or("");
    ee.succeeded = er.boolean("succeeded").value_or(false);
    if (!ee.equals && !ee.regex && !ee.present && !ee.same_across_ranks)
      field_error(p, "give at least one of equals, regex, present, same_across_ranks");
    er.finish();
    e.env.push_back(ee);
  });
  e.rank_arithmetic = r.boolean("rank_arithmetic").value_or(false);
  if (const Json* t = r.get("process_tree")) {
    ObjectReader tr(*t, r.pointer("process_tree"));
    TreeExpect te;
    te.workers_parent_is_agent = tr.boolean("workers_parent_is_agent").value_or(true);
    if (const Json* per = tr.get("workers_per_agent")) {
      ObjectReader pr(*per, tr.pointer("workers_per_agent"));
      for (auto it = per->begin(); it != per->end(); ++it) {
        auto n = pr.integer(it.key());
        te.workers_per_agent[it.key()] = static_cast<int>(*n);
      }
    }
    tr.finish();
    e.process_tree = te;
  }
  e.no_survivors = r.boolean("no_survivors").value_or(true);
  each(r, "output", [&](const Json& a, const std::string& p) {
    ObjectReader tr(a, p);
    TextExpect t;
    parse_text_fields(tr, t);
    t.contains = tr.string("contains");
    if (t.contains) checked(*t.contains, tr.pointer("contains"));
    t.not_contains = tr.string("not_contains");
    if (t.not_contains) checked(*t.not_contains, tr.pointer("not_contains"));
    t.regex = tr.string("regex");
    if (t.regex) check_regex(*t.regex, tr.pointer("regex"));
    if (auto c = tr.integer("count")) t.count = static_cast<int>(*c);
    int kinds = t.contains.has_value() + t.not_contains.has_value() + t.regex.has_value();
    if (kinds != 1) field_error(p, "give exactly one of contains, not_contains, regex");
    if (t.count && t.not_contains)
      field_error(tr.pointer("count"), "count goes with contains or regex");
    tr.finish();
    e.output.push_back(t);
  });
  each(r, "line_integrity", [&](const Json& a, const std::string& p) {
    ObjectReader lr(a, p);
    LineIntegrityExpect l;
    l.node = lr.string("node").value_or("");
    l.stream = lr.string("stream").value_or("stdout");
    if (l.stream != "stdout" && l.stream != "stderr")
      field_error(lr.pointer("stream"),
                  "stream (the fixture's LCLINE stream) must be stdout or stderr");
    if (auto f = lr.string("file")) l.file = checked(*f, lr.pointer("file"));
    if (!l.file.empty() && lr.has("node"))
      field_error(lr.pointer("file"), "\"file\" excludes \"node\"");
    auto lines = lr.integer("lines");
    if (!lines || *lines < 1)
      field_error(lr.pointer("lines"), "expected the number of lines per rank (>= 1)");
    l.lines = static_cast<int>(*lines);
    auto ranks = lr.integers("ranks");
    if (!ranks || ranks->empty())
      field_error(lr.pointer("ranks"), "expected the ranks that printed");
    l.ranks = *ranks;
    lr.finish();
    e.line_integrity.push_back(l);
  });
  each(r, "files", [&](const Json& a, const std::string& p) {
    ObjectReader fr(a, p);
    FileExpect f;
    f.glob = checked(fr.required_string("glob"), fr.pointer("glob"));
    auto c = fr.integer("count");
    if (!c) field_error(fr.pointer("count"), "missing required field");
    f.count = static_cast<int>(*c);
    fr.finish();
    e.files.push_back(f);
  });
  each(r, "events", [&](const Json& a, const std::string& p) {
    ObjectReader er(a, p);
    EventExpect ee;
    ee.ev = er.required_string("ev");
    static const std::set<std::string> kinds = {"start", "step", "signal", "grandchild", "exit"};
    if (!kinds.count(ee.ev))
      field_error(er.pointer("ev"), "expected start, step, signal, grandchild or exit");
    ee.sig = er.string("sig");
    ee.action = er.string("action");
    ee.step = er.string("step");
    ee.value = er.string("value");
    ee.ranks = er.integers("ranks");
    if (auto c = er.integer("count")) ee.count = static_cast<int>(*c);
    if (!ee.ranks && !ee.count) field_error(p, "give ranks, count or both");
    er.finish();
    e.events.push_back(ee);
  });
  if (const Json* s = r.get("failure_summary")) {
    ObjectReader sr(*s, r.pointer("failure_summary"));
    SummaryExpect se;
    se.node = sr.string("node").value_or("");
    if (auto v = sr.integer("root_cause_rank")) se.root_cause_rank = static_cast<int>(*v);
    if (auto v = sr.integer("exit_code")) se.exit_code = static_cast<int>(*v);
    sr.finish();
    e.failure_summary = se;
  }
  if (const Json* d = r.get("duration_s")) {
    ObjectReader dr(*d, r.pointer("duration_s"));
    e.duration_min_s = dr.number("min");
    e.duration_max_s = dr.number("max");
    dr.finish();
  }
  r.finish();
  return e;
}

void check_node_ref(const std::set<std::string>& nodes, const std::string& name,
                    const std::string& ptr) {
  if (!nodes.count(name)) field_error(ptr, "no node named \"" + name + "\"");
}

}  // namespace

Scenario parse_scenario(const Json& doc, const std::string& file) {
  try {
    Scenario s;
    s.file = file;
    fs::path p(file);
    s.dir = p.parent_path().empty() ? "." : p.parent_path().string();
    std::string area = p.parent_path().filename().string();
    s.id = (area.empty() ? "" : area + "/") + p.stem().string();

    ObjectReader r(doc, "");
    r.get("$schema");
    s.name = r.string("name").value_or(p.stem().string());
    s.description = r.string("description").value_or("");
    s.tags = r.strings("tags").value_or(std::vector<std::string>{});
    s.requires_caps = r.strings("requires").value_or(std::vector<std::string>{});
    if (auto t = r.number("timeout_s")) {
      if (*t <= 0) field_error(r.pointer("timeout_s"), "expected a number > 0");
      s.timeout_s = *t;
    }
    std::set<std::string> names;
    each(r, "nodes", [&](const Json& n, const std::string& ptr) {
      s.nodes.push_back(parse_node(n, ptr, s.nodes.size()));
      if (!names.insert(s.nodes.back().name).second)
        field_error(ptr + "/name", "duplicate node name \"" + s.nodes.back().name + "\"");
    });
    if (s.nodes.empty()) field_error("/nodes", "expected at least one node");
    each(r, "faults", [&](const Json& f, const std::string& ptr) {
      ObjectReader fr(f, ptr);
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
        check_node_ref(names, fault.when.node, fr.pointer("when") + "/agent_exited");
      if (fault.when.kind == Trigger::Kind::kOutputMatches && !fault.when.node.empty())
        check_node_ref(names, fault.when.node, fr.pointer("when") + "/node");
      if (fault.action.kind == Action::Kind::kStartNode)
        check_node_ref(names, fault.action.node, fr.pointer("do") + "/start_node");
      if (fault.action.kind == Action::Kind::kSignal &&
          fault.action.target == Action::Target::kAgent)
        check_node_ref(names, fault.action.node, fr.pointer("do") + "/to");
      s.faults.push_back(fault);
    });
    if (const Json* e = r.get("expect")) s.expect = parse_expect(*e, "/expect");
    r.finish();
    for (auto& [node, x] : s.expect.exit)
      if (node != "*") check_node_ref(names, node, "/expect/exit/" + node);
    if (s.expect.process_tree)
      for (auto& [node, n] : s.expect.process_tree->workers_per_agent)
        check_node_ref(names, node, "/expect/process_tree/workers_per_agent/" + node);
    return s;
  } catch (const JsonFieldError& e) {
    throw std::runtime_error(file + ": " + e.pointer() + ": " + e.what());
  }
}

Scenario load_scenario(const std::string& path) {
  return parse_scenario(parse_json_file(path), path);
}
