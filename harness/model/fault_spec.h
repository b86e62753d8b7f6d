// A scenario's faults: when each fires (the trigger, decided by
// run/fault_scheduler) and what it does (the action, applied by run/nemesis).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "json_reader.h"
#include "service_spec.h"

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
  enum class Kind { kSignal, kStartNode, kMakeUnwritable, kSend, kRestart, kHttp,
                    // network faults between the scenario's hosts
                    kIsolate, kPartition, kHeal, kKillHost };
  enum class Target { kAgent, kRank, kWorkers, kService };
  Kind kind = Kind::kSignal;
  int signo = 0;
  Target target = Target::kAgent;
  std::string node;     // kSignal to an agent, kStartNode
  int rank = -1;        // kSignal to a rank's worker
  std::string path;     // kMakeUnwritable
  std::string address;  // kSend: host:port
  std::string bytes;    // kSend: raw bytes (decoded from hex or text)
  int repeat = 1;
  // kSignal to a service member, kRestart: "etcd" and "0".."2", "leader"
  // or "follower" (a live member that is not the leader).
  std::string service;
  std::string member;
  // kHttp: one request; the fault fails unless the answer's status is
  // expect_status (0: any 2xx).
  std::string method = "GET";
  std::string url;  // http://host:port/path?query
  std::string body;
  std::string content_type;
  int expect_status = 0;
  std::string host;                              // kIsolate, kKillHost
  std::vector<std::vector<std::string>> groups;  // kPartition
};

struct Fault {
  Trigger when;
  Action action;
  std::string pointer;  // where it was defined, for reports
};

// One entry of `faults` at `pointer`; node names are cross-checked against
// `nodes`, service members against `services`, host names against `hosts`.
// Throws JsonFieldError.
Fault parse_fault(const Json& j, const std::string& pointer, const std::set<std::string>& nodes,
                  const ServiceSpec& services = {}, const std::set<std::string>& hosts = {});
// Whether an action acts on the hosts' network or processes.
bool is_host_fault(Action::Kind kind);

}  // namespace launchcheck
