#include "agent_command.h"

#include <filesystem>
#include <optional>
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
  std::map<std::string, std::string> env = ctx.base_env;
  for (auto& [k, v] : changes) {
    if (v) {
      env[k] = *v;
      c.env_changes.push_back(k + "=" + *v);
    } else {
      env.erase(k);
      c.env_changes.push_back("-" + k);
    }
  }
  for (auto& [k, v] : env) c.envp.push_back(k + "=" + v);
  return c;
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
