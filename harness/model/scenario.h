// The scenario model: one JSON file describes the agents to start, the faults
// to inject (fault_spec.h) and what must be true of the recorded history
// afterwards (`expect`, read by the checks: expectation.h). Strings may hold
// placeholders ({tmp}, {port:NAME}, ...) substituted once per run
// (resolved_scenario.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expectation.h"
#include "fault_spec.h"
#include "json_reader.h"
#include "service_spec.h"

namespace launchcheck {

// What starts the worker processes: one of our fixtures or any program.
struct WorkerSpec {
  std::string fixture;  // "cpp", "python", "shell", or empty for a program
  std::string program;  // used when fixture is empty
  std::vector<std::string> args;
};

struct NodeSpec {
  std::string name;  // "n0", "n1", ... unless given
  std::string host;  // one of Scenario::hosts; "" when the scenario has none
  // Launch options in torchrun terms, underscore spelling, values as text;
  // boolean options hold "true"/"false".
  std::map<std::string, std::string> options;
  // Variables to set (value) or remove (nullopt) in the agent's environment.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  bool held = false;  // started only by a start_node fault
  double start_after_s = 0;
  WorkerSpec worker;
  // A literal command line after the launcher command; replaces options+worker.
  std::optional<std::vector<std::string>> raw_args;
  // This node runs on its own profile (NAME of harness/profiles, or a file),
  // not the run's: a fixed peer, e.g. torchrun beside the launcher under test.
  std::string profile;
  // "unread": the runner holds the launcher's stdout pipe but reads nothing
  // until the launcher has exited (a console nobody reads).
  bool stdout_unread = false;
  // Descriptors (3..9) the launcher inherits, not close-on-exec, each open
  // for appending on a file (created if missing).
  std::map<int, std::string> open_fds;
};

struct Scenario {
  std::string id;    // "<area>/<file stem>": what --filter and reports use
  std::string file;  // path it was read from
  std::string dir;   // folder of the file, for {scenario_dir}
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  std::vector<std::string> requires_caps;
  double timeout_s = 60;
  ServiceSpec services;
  // Simulated hosts (`hosts`): each node runs on one, with its own network
  // stack, name and address ({host:NAME}, {addr:NAME}). Empty: every node
  // runs on this machine's own network.
  std::vector<std::string> hosts;
  std::vector<NodeSpec> nodes;
  std::vector<Fault> faults;
  // `expect` as written (null when absent): the checks read it, on loading
  // to validate it and before each run with the run's values.
  Json expect;

  std::vector<std::string> node_names() const;
};

// Throws std::runtime_error "file:line:col: message" or
// "file: /json/pointer: message". `read_expect` validates `expect`
// (checks/registry.h: read_expect).
Scenario load_scenario(const std::string& path, const ExpectReader& read_expect);
// The same from a parsed document (tests); `file` is used in messages.
Scenario parse_scenario(const Json& doc, const std::string& file, const ExpectReader& read_expect);

}  // namespace launchcheck
