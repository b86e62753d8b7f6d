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
  std::vector<std::string> envp;  // the whole environment, "K=V"
  // On top of ours, for reproduce lines: every "-K" first, then "K=V"; one
  // entry per variable, its final state.
  std::vector<std::string> env_changes;
};

// What every agent of a run shares.
struct AgentContext {
  std::map<std::string, std::string> base_env;  // the runner's environment
  std::string events;                           // the event log (LAUNCHCHECK_EVENTS)
  std::string build_dir;                        // where the fixtures are
  std::string record_env = {};  // LAUNCHCHECK_RECORD_ENV: names the scenario uses, comma-separated
};

// The variables a scenario names (its `expect.env` vars, its nodes' `env`),
// comma-separated: the fixtures record these beyond the contract's own
// (fixtures/PROTOCOL.md, "Recorded environment").
std::string scenario_env_names(const Scenario& s);

// "" when $LAUNCHCHECK_REDACT_ENV is unset or a valid regex (POSIX extended),
// else one line saying what is wrong: every fixture would refuse to start.
std::string redact_pattern_error();

// Throws std::runtime_error when a fixture of the build is missing.
AgentCommand render_agent_command(const ResolvedNode& n, const Profile& p, const AgentContext& ctx);

// "cd DIR && env -u K ... K=V ... ARGV": the agent's start as a shell line.
std::string reproduce_line(const std::string& cwd, const AgentCommand& c);
using common::shell_quote;

}  // namespace launchcheck
