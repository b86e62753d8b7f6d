#include "scenario.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "capabilities.h"
#include "launch_options.h"
#include "steps.h"  // the fixtures' step language (fixtures/PROTOCOL.md)
#include "substitution.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

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

// A fixture's steps are checked here, with the fixtures' own parser, so a
// typo (`slep:1`) fails `validate` instead of every worker of the run. Steps
// holding a placeholder are left to the fixture: their text is final only
// in the run.
void check_step(const std::string& fixture, const std::string& text, const std::string& pointer) {
  if (text.find('{') != std::string::npos) return;
  std::string error;
  auto step = lc::ParseStep(text, &error);
  if (!step) field_error(pointer, "bad step \"" + text + "\": " + error);
  bool torch = step->action == lc::Action::kTorchInit || step->action == lc::Action::kAllreduce ||
               step->action == lc::Action::kIsLaunched;
  if (torch && fixture != "python")
    field_error(pointer, "step \"" + text + "\" needs the python fixture, not " + fixture);
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
    for (size_t i = 0; i < args->size(); ++i) {
      std::string pointer = r.pointer("args") + "/" + std::to_string(i);
      w.args.push_back(checked((*args)[i], pointer));
      if (fixture) check_step(*fixture, (*args)[i], pointer);
    }
  r.finish();
  return w;
}

void parse_options(ObjectReader& r, NodeSpec& n) {
  const Json* o = r.get("options");
  if (!o) return;
  ObjectReader opts(*o, r.pointer("options"));
  for (auto it = o->begin(); it != o->end(); ++it) {
    auto known = known_launch_options().find(it.key());
    if (known == known_launch_options().end()) continue;  // finish() reports it
    n.options[it.key()] = option_value(*opts.get(it.key()), known->second, opts.pointer(it.key()));
  }
  opts.finish();
}

void parse_env(ObjectReader& r, NodeSpec& n) {
  const Json* e = r.get("env");
  if (!e) return;
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

void parse_start(ObjectReader& r, NodeSpec& n) {
  const Json* s = r.get("start");
  if (!s) return;
  if (s->is_string()) {
    if (*s == "held")
      n.held = true;
    else if (*s != "now")
      field_error(r.pointer("start"), "start must be \"now\", \"held\" or {\"after_s\": N}");
    return;
  }
  ObjectReader sr(*s, r.pointer("start"));
  auto after = sr.number("after_s", 0, kMaxScenarioSeconds);
  if (!after) field_error(sr.pointer("after_s"), "missing required field");
  n.start_after_s = *after;
  sr.finish();
}

void parse_console_and_fds(ObjectReader& r, NodeSpec& n) {
  if (auto out = r.string("stdout")) {
    if (*out != "read" && *out != "unread")
      field_error(r.pointer("stdout"), "stdout must be \"read\" or \"unread\"");
    n.stdout_unread = *out == "unread";
  }
  const Json* fds = r.get("open_fds");
  if (!fds) return;
  ObjectReader fr(*fds, r.pointer("open_fds"));
  for (auto it = fds->begin(); it != fds->end(); ++it) {
    fr.get(it.key());
    const std::string& k = it.key();
    // A POSIX shell redirects only single-digit descriptors; 0-2 are stdio.
    if (k.size() != 1 || k[0] < '3' || k[0] > '9')
      field_error(fr.pointer(k), "a descriptor number from 3 to 9");
    if (!it->is_string()) field_error(fr.pointer(k), "expected a file path");
    n.open_fds[k[0] - '0'] = checked(it->get<std::string>(), fr.pointer(k));
  }
}

NodeSpec parse_node(const Json& j, const std::string& ptr, size_t index,
                    const std::vector<std::string>& hosts) {
  ObjectReader r(j, ptr);
  NodeSpec n;
  n.name = r.string("name").value_or("n" + std::to_string(index));
  if (n.name.empty()) field_error(r.pointer("name"), "node name must not be empty");
  n.host = r.string("host").value_or("");
  if (hosts.empty() && r.has("host"))
    field_error(r.pointer("host"), "\"host\" needs \"hosts\" in the scenario");
  if (!hosts.empty() && !r.has("host"))
    field_error(r.pointer("host"), "missing: every node runs on one of \"hosts\"");
  if (!hosts.empty() && std::find(hosts.begin(), hosts.end(), n.host) == hosts.end())
    field_error(r.pointer("host"), "no host named \"" + n.host + "\"");
  parse_options(r, n);
  parse_env(r, n);
  parse_start(r, n);
  if (auto profile = r.string("profile")) {
    if (profile->empty()) field_error(r.pointer("profile"), "profile must not be empty");
    n.profile = *profile;
  }
  parse_console_and_fds(r, n);
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

template <typename F>
void each(ObjectReader& r, const std::string& key, F f) {
  const Json* v = r.get(key);
  if (!v) return;
  if (!v->is_array()) field_error(r.pointer(key), "expected an array");
  for (size_t i = 0; i < v->size(); ++i) f((*v)[i], r.pointer(key) + "/" + std::to_string(i));
}

bool valid_host_name(const std::string& h) {
  if (h.empty() || h.size() > 63 || h.front() == '-' || h.back() == '-') return false;
  for (char c : h)
    if (!islower(static_cast<unsigned char>(c)) && !isdigit(static_cast<unsigned char>(c)) &&
        c != '-')
      return false;
  return true;
}

void parse_hosts(ObjectReader& r, Scenario& s) {
  auto hosts = r.strings("hosts");
  if (!hosts) return;
  if (hosts->empty() || hosts->size() > 32) field_error(r.pointer("hosts"), "expected 1 to 32 hosts");
  for (size_t i = 0; i < hosts->size(); ++i) {
    const std::string& h = (*hosts)[i];
    std::string p = r.pointer("hosts") + "/" + std::to_string(i);
    if (!valid_host_name(h))
      field_error(p, "\"" + h + "\" is not a host name (a-z, 0-9, '-', at most 63)");
    if (std::find(s.hosts.begin(), s.hosts.end(), h) != s.hosts.end())
      field_error(p, "duplicate host \"" + h + "\"");
    s.hosts.push_back(h);
  }
}

// A key as one JSON pointer token (RFC 6901).
std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// Every {host:NAME} and {addr:NAME} in any string of the document names a
// declared host.
void check_host_placeholders(const Json& j, const std::string& ptr,
                             const std::vector<std::string>& hosts) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      check_host_placeholders(*it, ptr + "/" + pointer_token(it.key()), hosts);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i)
      check_host_placeholders(j[i], ptr + "/" + std::to_string(i), hosts);
  } else if (j.is_string()) {
    const std::string& t = j.get_ref<const std::string&>();
    for (const char* kind : {"{host:", "{addr:"}) {
      for (size_t i = t.find(kind); i != std::string::npos; i = t.find(kind, i + 1)) {
        if (i > 0 && t[i - 1] == '{') continue;  // "{{host:" is literal text
        size_t end = t.find('}', i);
        if (end == std::string::npos) continue;  // the placeholder check says why
        std::string name = t.substr(i + 6, end - i - 6);
        if (std::find(hosts.begin(), hosts.end(), name) == hosts.end())
          field_error(ptr, "unknown host \"" + name + "\" in " + t.substr(i, end - i + 1) +
                               (hosts.empty() ? " (the scenario declares no \"hosts\")" : ""));
      }
    }
  }
}

void parse_header(ObjectReader& r, Scenario& s, const fs::path& p) {
  r.get("$schema");
  s.name = r.string("name").value_or(p.stem().string());
  s.description = r.string("description").value_or("");
  s.tags = r.strings("tags").value_or(std::vector<std::string>{});
  s.requires_caps = r.strings("requires").value_or(std::vector<std::string>{});
  check_capabilities(s.requires_caps, r.pointer("requires"));
  if (auto t = r.number("timeout_s", 0, kMaxScenarioSeconds)) {
    if (*t <= 0) field_error(r.pointer("timeout_s"), "expected a number > 0");
    s.timeout_s = *t;
  }
}

}  // namespace

std::vector<std::string> Scenario::node_names() const {
  std::vector<std::string> out;
  for (auto& n : nodes) out.push_back(n.name);
  return out;
}

Scenario parse_scenario(const Json& doc, const std::string& file, const ExpectReader& read_expect) {
  try {
    Scenario s;
    s.file = file;
    fs::path p(file);
    s.dir = p.parent_path().empty() ? "." : p.parent_path().string();
    std::string area = p.parent_path().filename().string();
    s.id = (area.empty() ? "" : area + "/") + p.stem().string();

    ObjectReader r(doc, "");
    parse_header(r, s, p);
    if (const Json* services = r.get("services")) s.services = parse_services(*services, "/services");
    parse_hosts(r, s);
    check_host_placeholders(doc, "", s.hosts);
    std::set<std::string> names;
    each(r, "nodes", [&](const Json& n, const std::string& ptr) {
      s.nodes.push_back(parse_node(n, ptr, s.nodes.size(), s.hosts));
      if (!names.insert(s.nodes.back().name).second)
        field_error(ptr + "/name", "duplicate node name \"" + s.nodes.back().name + "\"");
    });
    if (s.nodes.empty()) field_error("/nodes", "expected at least one node");
    each(r, "faults", [&](const Json& f, const std::string& ptr) {
      s.faults.push_back(parse_fault(f, ptr, names, s.services, {s.hosts.begin(), s.hosts.end()}));
    });
    const Json* expect = r.get("expect");
    if (expect) s.expect = *expect;
    PlaceholderCheck check;
    read_expect(ExpectSource{expect, "/expect", s.node_names(), check});
    r.finish();
    return s;
  } catch (const JsonFieldError& e) {
    throw std::runtime_error(file + ": " + e.pointer() + ": " + e.what());
  }
}

Scenario load_scenario(const std::string& path, const ExpectReader& read_expect) {
  return parse_scenario(parse_json_file(path), path, read_expect);
}

}  // namespace launchcheck
