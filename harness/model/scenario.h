// The scenario model: one JSON file describes the agents to start, the faults
// to inject and what must be true of the recorded history afterwards. Strings
// may hold placeholders ({tmp}, {port:NAME}, ...) resolved per run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json_reader.h"

// What starts the worker processes: one of our fixtures or any program.
struct WorkerSpec {
  std::string fixture;  // "cpp", "python", "shell", or empty for a program
  std::string program;  // used when fixture is empty
  std::vector<std::string> args;
};

struct NodeSpec {
  std::string name;  // "n0", "n1", ... unless given
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
};

struct Trigger {
  enum class Kind { kAfter, kAttemptStarted, kRankStarted, kOutputMatches, kAgentExited };
  Kind kind = Kind::kAfter;
  double seconds = 0;  // kAfter: since the run started
  int attempt = -1;    // kAttemptStarted; kRankStarted: -1 = any attempt
  int rank = -1;       // kRankStarted
  std::string regex;   // kOutputMatches
  std::string node;    // kAgentExited; kOutputMatches: "" = any node
  double delay_s = 0;  // extra wait after the trigger fired
};

struct Action {
  enum class Kind { kSignal, kStartNode, kMakeUnwritable, kSend };
  enum class Target { kAgent, kRank, kWorkers };
  Kind kind = Kind::kSignal;
  int signo = 0;
  Target target = Target::kAgent;
  std::string node;     // kSignal to an agent, kStartNode
  int rank = -1;        // kSignal to a rank's worker
  std::string path;     // kMakeUnwritable
  std::string address;  // kSend: host:port
  std::string bytes;    // kSend: raw bytes (decoded from hex or text)
  int repeat = 1;
};

struct Fault {
  Trigger when;
  Action action;
  std::string pointer;  // where it was defined, for reports
};

// Expected exit of one agent.
struct ExitExpect {
  enum class Kind { kCode, kNonzero, kSignal, kAny };
  Kind kind = Kind::kAny;
  int code = 0;
  int signo = 0;
};
std::string describe(const ExitExpect& e);

struct AttemptExpect {
  int attempt = 0;
  std::optional<std::vector<int>> started;
  std::optional<std::vector<int>> succeeded;
};

struct EnvExpect {
  std::string var;
  std::optional<std::string> equals;
  std::optional<std::string> regex;
  std::optional<bool> present;
  bool same_across_ranks = false;
  std::optional<int> rank;  // only this rank's workers
  std::string node;         // only the workers of this node ("" = all)
  bool succeeded = false;   // only the workers that exited 0 (the final world)
};

// Console (agents' stdout/stderr) or files matched by a glob.
struct TextExpect {
  std::string node;             // console of this node; "" = all nodes
  std::string stream = "both";  // stdout, stderr, both
  std::string file;             // glob; when set the text is those files
  std::optional<std::string> contains;
  std::optional<std::string> not_contains;
  std::optional<std::string> regex;
  std::optional<int> count;  // occurrences of contains/regex (lines for regex)
};

// Every LCLINE a fixture printed arrives whole and exactly once.
struct LineIntegrityExpect {
  std::string node;
  std::string stream = "stdout";  // which fixture stream's lines (LCLINE <stream>)
  std::string file;               // glob; else the console
  int lines = 0;                  // per rank
  std::vector<int> ranks;
};

struct FileExpect {
  std::string glob;
  int count = 0;
};

struct TreeExpect {
  bool workers_parent_is_agent = true;
  std::map<std::string, int> workers_per_agent;
};

struct SummaryExpect {
  std::string node;  // "" = first node
  std::optional<int> root_cause_rank;
  std::optional<int> exit_code;
};

// Fixture events of one kind (signal receipts, step results, grandchildren):
// which ranks recorded a matching one, or how many there were.
struct EventExpect {
  std::string ev;                     // start, step, signal, grandchild, exit
  std::optional<std::string> sig;     // signal: its name
  std::optional<std::string> action;  // signal: ignored / exit
  std::optional<std::string> step;    // step: the step text
  std::optional<std::string> value;   // step: recorded result, as JSON text ("6", "true")
  std::optional<std::vector<int>> ranks;
  std::optional<int> count;
};

struct Expect {
  std::map<std::string, ExitExpect> exit;  // node -> expected exit
  std::vector<AttemptExpect> attempts;
  std::optional<int> world_size;
  std::optional<int> restarts;
  std::vector<EnvExpect> env;
  bool rank_arithmetic = false;
  std::optional<TreeExpect> process_tree;
  bool no_survivors = true;
  std::vector<TextExpect> output;
  std::vector<LineIntegrityExpect> line_integrity;
  std::vector<FileExpect> files;
  std::vector<EventExpect> events;
  std::optional<SummaryExpect> failure_summary;
  std::optional<double> duration_min_s;
  std::optional<double> duration_max_s;
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
  std::vector<NodeSpec> nodes;
  std::vector<Fault> faults;
  Expect expect;
};

// Throws std::runtime_error "file:line:col: message" or
// "file: /json/pointer: message".
Scenario load_scenario(const std::string& path);
// The same from a parsed document (tests); `file` is used in messages.
Scenario parse_scenario(const Json& doc, const std::string& file);

// Options a node may set, underscore spelling; `true` for flags.
const std::map<std::string, bool>& known_launch_options();
