// A scenario with every placeholder substituted and every regex compiled,
// made once per run before anything starts, as lit applies its substitutions
// before running a test. The run and the judging read only this: nothing
// after it resolves a placeholder or picks a port.
#pragma once

#include <map>
#include <optional>
#include "scenario_regex.h"
#include <string>
#include <utility>
#include <vector>

#include "expectation.h"
#include "fault_spec.h"
#include "placeholders.h"
#include "profile.h"
#include "scenario.h"

namespace launchcheck {

struct ResolvedNode {
  std::string name;
  std::string host;  // "" when the scenario has no hosts
  // Launch options in torchrun terms with the runner's own defaults added:
  // no_python for native fixtures, and a free master_port for static
  // rendezvous (29500 may be bound by a -j neighbour: torchrun hosts its store
  // there).
  std::map<std::string, std::string> options;
  // The worker's program (a fixture's path) and its arguments; empty with raw_args.
  std::vector<std::string> worker;
  std::optional<std::vector<std::string>> raw_args;
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  bool held = false;
  double start_after_s = 0;
  std::string profile;  // "" = the run's profile
  bool stdout_unread = false;
  std::map<int, std::string> open_fds;  // substituted
};

struct ResolvedFault {
  Trigger when;
  std::optional<Regex> output_regex;  // kOutputMatches
  Action action;                           // path and address substituted
  std::string pointer;
};

struct ResolvedScenario {
  std::string id, file;
  double timeout_s = 60;
  ServiceSpec services;
  std::vector<std::string> hosts;
  std::vector<ResolvedNode> nodes;
  std::vector<ResolvedFault> faults;
  std::vector<Expectation> expect;  // in the checks' table order
  AgentRelation agent;              // the profile's: which process the workers' parent must be
};

// `ph` holds the run's values ({tmp}, {env:NAME}, ...) and allocates the
// ports named. Throws std::runtime_error "file: /pointer: why".
ResolvedScenario resolve_scenario(const Scenario& s, Placeholders& ph,
                                  const ExpectReader& read_expect);

}  // namespace launchcheck
