#include "agent_command.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

std::vector<std::string> render_argv(const ResolvedNode& n, const Profile& p) {
  std::vector<std::string> argv = p.command;
  if (n.raw_args) {
    argv.insert(argv.end(), n.raw_args->begin(), n.raw_args->end());
    return argv;
  }
  for (auto& a : render_options(p, n.options)) argv.push_back(a);
  argv.insert(argv.end(), n.worker.begin(), n.worker.end());
  return argv;
}

// A fixture the scenario names but the build lacks is the runner's problem,
// not the launcher's: stop before anything starts.
void check_fixtures(const std::vector<std::string>& argv, const std::string& build_dir) {
  for (auto& a : argv)
    for (const char* fx : {"/lc_worker", "/lc_worker.py", "/lc_worker.sh"})
      if (a.ends_with(fx) && a.rfind(build_dir, 0) == 0 && !fs::exists(a))
        throw std::runtime_error("missing fixture " + a + " (build the fixtures first)");
}

// What the changes amount to, as `env` must be told: removals first (`env`
// takes no -u after an assignment), then the final value of each variable
// set, in the order first named. A later change to a name wins.
std::vector<std::string> net_changes(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) {
  std::vector<std::pair<std::string, std::optional<std::string>>> net;
  for (auto& [k, v] : changes) {
    auto it = std::find_if(net.begin(), net.end(), [&](auto& e) { return e.first == k; });
    if (it == net.end())
      net.emplace_back(k, v);
    else
      it->second = v;
  }
  std::vector<std::string> out;
  for (auto& [k, v] : net)
    if (!v) out.push_back("-" + k);
  for (auto& [k, v] : net)
    if (v) out.push_back(k + "=" + *v);
  return out;
}

// A node's open_fds: /bin/sh opens them (not close-on-exec) and execs the
// launcher in its place, so the launcher starts with them as a scheduler's
// leaked descriptors would be, and the reproduce line shows how.
void wrap_open_fds(const ResolvedNode& n, AgentCommand& c) {
  if (n.open_fds.empty() || c.exe.empty()) return;
  std::string script = "exec";
  std::vector<std::string> argv = {"/bin/sh", "-c", "", "sh"};
  int i = 0;
  for (auto& [fd, path] : n.open_fds) {
    script += " " + std::to_string(fd) + ">>\"$" + std::to_string(++i) + "\"";
    argv.push_back(path);
  }
  argv[2] = script + "; shift " + std::to_string(i) + "; exec \"$@\"";
  argv.insert(argv.end(), c.argv.begin(), c.argv.end());
  c.argv = std::move(argv);
  c.exe = "/bin/sh";
}

}  // namespace

AgentCommand render_agent_command(const ResolvedNode& n, const Profile& p,
                                  const AgentContext& ctx) {
  AgentCommand c;
  c.argv = render_argv(n, p);
  check_fixtures(c.argv, ctx.build_dir);
  c.exe = find_executable(c.argv[0]);
  wrap_open_fds(n, c);

  std::vector<std::pair<std::string, std::optional<std::string>>> changes;
  for (auto& [k, v] : p.env) changes.emplace_back(k, v);
  for (auto& change : n.env) changes.push_back(change);
  changes.emplace_back("LAUNCHCHECK_EVENTS", ctx.events);
  changes.emplace_back("LAUNCHCHECK_NODE", n.name);
  if (!ctx.record_env.empty()) changes.emplace_back("LAUNCHCHECK_RECORD_ENV", ctx.record_env);
  std::map<std::string, std::string> env = ctx.base_env;
  for (auto& [k, v] : changes) {
    if (v)
      env[k] = *v;
    else
      env.erase(k);
  }
  for (auto& [k, v] : env) c.envp.push_back(k + "=" + v);
  c.env_changes = net_changes(changes);
  return c;
}

std::string scenario_env_names(const Scenario& s) {
  std::set<std::string> names;
  for (auto& node : s.nodes)
    for (auto& [k, v] : node.env) names.insert(k);
  if (s.expect.is_object() && s.expect.contains("env") && s.expect["env"].is_array())
    for (auto& e : s.expect["env"])
      if (e.is_object() && e.contains("var") && e["var"].is_string())
        names.insert(e["var"].get<std::string>());
  std::string out;
  for (auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::string redact_pattern_error() {
  const char* pattern = getenv("LAUNCHCHECK_REDACT_ENV");
  if (!pattern || !*pattern) return "";
  try {
    std::regex(pattern, std::regex::extended | std::regex::icase);
    return "";
  } catch (const std::regex_error& e) {
    return std::string("LAUNCHCHECK_REDACT_ENV '") + pattern +
           "' is not a valid regex: " + e.what();
  }
}

std::string reproduce_line(const std::string& cwd, const AgentCommand& c) {
  std::string line = "cd " + shell_quote(cwd) + " && env";
  for (auto& change : c.env_changes) {
    if (change[0] == '-')
      line += " -u " + shell_quote(change.substr(1));
    else
      line += " " + shell_quote(change);
  }
  for (auto& arg : c.argv) line += " " + shell_quote(arg);
  return line;
}

}  // namespace launchcheck
