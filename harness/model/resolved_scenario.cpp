#include "resolved_scenario.h"

#include <stdexcept>

namespace launchcheck {

namespace {

std::string fixture_placeholder(const std::string& fixture) {
  if (fixture == "cpp") return "{fixture}";
  if (fixture == "python") return "{python_fixture}";
  return "{shell_fixture}";
}

ResolvedNode resolve_node(const NodeSpec& n, const std::string& ptr, Placeholders& ph) {
  ResolvedNode out;
  out.name = n.name;
  out.host = n.host;
  out.held = n.held;
  out.start_after_s = n.start_after_s;
  out.profile = n.profile;
  out.stdout_unread = n.stdout_unread;
  for (auto& [fd, path] : n.open_fds)
    out.open_fds[fd] = substitute(ph, path, ptr + "/open_fds/" + std::to_string(fd));
  if (n.raw_args) {
    out.raw_args.emplace();
    for (size_t i = 0; i < n.raw_args->size(); ++i)
      out.raw_args->push_back(
          substitute(ph, (*n.raw_args)[i], ptr + "/raw_args/" + std::to_string(i)));
  } else {
    auto& options = out.options;
    for (auto& [k, v] : n.options) options[k] = substitute(ph, v, ptr + "/options/" + k);
    if ((n.worker.fixture == "cpp" || n.worker.fixture == "shell") && !options.count("no_python"))
      options["no_python"] = "true";
    bool is_static = !options.count("rdzv_backend") || options["rdzv_backend"] == "static";
    if (is_static && !options.count("master_port") && options["standalone"] != "true")
      options["master_port"] = ph.resolve("{port}");
    out.worker.push_back(n.worker.fixture.empty()
                             ? substitute(ph, n.worker.program, ptr + "/worker/program")
                             : ph.resolve(fixture_placeholder(n.worker.fixture)));
    for (size_t i = 0; i < n.worker.args.size(); ++i)
      out.worker.push_back(
          substitute(ph, n.worker.args[i], ptr + "/worker/args/" + std::to_string(i)));
  }
  for (auto& [k, v] : n.env)
    out.env.emplace_back(k, v ? std::optional(substitute(ph, *v, ptr + "/env/" + k)) : v);
  return out;
}

ResolvedFault resolve_fault(const Fault& f, Placeholders& ph) {
  ResolvedFault out{f.when, std::nullopt, f.action, f.pointer};
  if (f.when.kind == Trigger::Kind::kOutputMatches)
    out.output_regex = compile_regex(ph, f.when.regex, f.pointer + "/when/output_matches");
  if (f.action.kind == Action::Kind::kMakeUnwritable)
    out.action.path = substitute(ph, f.action.path, f.pointer + "/do/make_unwritable");
  if (f.action.kind == Action::Kind::kSend)
    out.action.address = substitute(ph, f.action.address, f.pointer + "/do/send/to");
  if (f.action.kind == Action::Kind::kHttp) {
    out.action.url = substitute(ph, f.action.url, f.pointer + "/do/http/url");
    out.action.body = substitute(ph, f.action.body, f.pointer + "/do/http/body");
  }
  return out;
}

}  // namespace

ResolvedScenario resolve_scenario(const Scenario& s, Placeholders& ph,
                                  const ExpectReader& read_expect) {
  ResolvedScenario out;
  out.id = s.id;
  out.file = s.file;
  out.timeout_s = s.timeout_s;
  out.services = s.services;
  out.hosts = s.hosts;
  try {
    for (size_t i = 0; i < s.nodes.size(); ++i)
      out.nodes.push_back(resolve_node(s.nodes[i], "/nodes/" + std::to_string(i), ph));
    for (auto& f : s.faults) out.faults.push_back(resolve_fault(f, ph));
    out.expect = read_expect(
        ExpectSource{s.expect.is_null() ? nullptr : &s.expect, "/expect", s.node_names(), ph});
  } catch (const JsonFieldError& e) {
    throw std::runtime_error(s.file + ": " + e.pointer() + ": " + e.what());
  }
  return out;
}

}  // namespace launchcheck
