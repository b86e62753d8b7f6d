// How a node's agent is started: the launcher's command line (the profile's
// command, the node's options in the profile's spelling, the worker) and its
// environment (ours, the profile's env, the node's, and where the fixtures
// write events). Pure: rendered before the run from the ResolvedScenario.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/text.h"
#include "profile.h"
#include "resolved_scenario.h"

namespace launchcheck {

struct AgentCommand {
  std::string exe;  // argv[0] found on PATH; "" when there is none
  std::vector<std::string> argv;
  std::vector<std::string> envp;         // the whole environment, "K=V"
  std::vector<std::string> env_changes;  // "K=V" or "-K" on top of ours, for reproduce lines
};

// What every agent of a run shares.
struct AgentContext {
  std::map<std::string, std::string> base_env;  // the runner's environment
  std::string events;                           // the event log (LAUNCHCHECK_EVENTS)
  std::string build_dir;                        // where the fixtures are
};

// Throws std::runtime_error when a fixture of the build is missing.
AgentCommand render_agent_command(const ResolvedNode& n, const Profile& p, const AgentContext& ctx);

// "cd DIR && env K=V -u K ... ARGV": the agent's start as a shell line.
std::string reproduce_line(const std::string& cwd, const AgentCommand& c);
using common::shell_quote;

}  // namespace launchcheck
