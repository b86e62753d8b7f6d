// A scenario's faults: when each fires (the trigger, decided by
// run/fault_scheduler) and what it does (the action, applied by run/nemesis).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "json_reader.h"

namespace launchcheck {

struct Trigger {
  enum class Kind { kAfter, kAttemptStarted, kRankStarted, kOutputMatches, kAgentExited };
  Kind kind = Kind::kAfter;
  double seconds = 0;  // kAfter: since the run started
  int attempt = -1;    // kAttemptStarted; kRankStarted: -1 = any attempt
  int rank = -1;       // kRankStarted
  std::string regex;   // kOutputMatches, as written
  bool partial = false;  // kOutputMatches: also the console's unterminated last line
  std::string node;    // kAgentExited; kOutputMatches: "" = any node
  double delay_s = 0;  // extra wait after the trigger fired
};

struct Action {
  enum class Kind { kSignal, kStartNode, kMakeUnwritable, kSend,
                    // network faults between the scenario's hosts
                    kIsolate, kPartition, kHeal, kKillHost };
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
  std::string host;                              // kIsolate, kKillHost
  std::vector<std::vector<std::string>> groups;  // kPartition
};

struct Fault {
  Trigger when;
  Action action;
  std::string pointer;  // where it was defined, for reports
};

// One entry of `faults` at `pointer`; node and host names are cross-checked
// against `nodes` and `hosts`. Throws JsonFieldError.
Fault parse_fault(const Json& j, const std::string& pointer, const std::set<std::string>& nodes,
                  const std::set<std::string>& hosts = {});
// Whether an action acts on the hosts' network or processes.
bool is_host_fault(Action::Kind kind);

}  // namespace launchcheck
