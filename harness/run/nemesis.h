// The nemesis (Jepsen's name): what a fault's action does to a run's
// processes, files and sockets. Each action yields a FaultRecord whose
// outcome is "" when it worked, else why not (which fails the scenario).
// The fault scheduler (fault_scheduler.h) decides when; the executor calls.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "placement.h"
#include "resolved_scenario.h"
#include "run_record.h"
#include "worker_event.h"

namespace launchcheck {

// Makes `path` unwritable for the launcher: chmod a-w, or as root (who
// writes through permission bits) something unwritable in its place.
std::string make_unwritable(const std::string& path);
// Connects to host:port and sends `bytes`, `repeat` times.
std::string send_bytes(const std::string& address, const std::string& bytes, int repeat);
// One HTTP request (the `http` action): "" when the answer's status is the
// expected one (any 2xx when expect_status is 0).
std::string send_http(const Action& a);

class Nemesis {
 public:
  // The agents are the executor's: it says which pid runs a node's agent
  // (0 when none) and starts a held node ("" when it did, else why not).
  // So are the services: it signals or restarts a member ("" or why not).
  struct Agents {
    std::function<int(const std::string& node)> running_pid;
    std::function<std::string(const std::string& node)> start;
    std::function<std::string(const Action& a)> service;
  };

  // `hosts`: the run's placement for the network faults (null: none).
  explicit Nemesis(Agents agents, Placement* hosts = nullptr)
      : agents_(std::move(agents)), hosts_(hosts) {}
  ~Nemesis();
  Nemesis(const Nemesis&) = delete;
  Nemesis& operator=(const Nemesis&) = delete;

  // Every worker event: a worker's pidfd is taken at its start, so a
  // recycled pid is never signalled.
  void on_worker_event(const WorkerEvent& e);
  FaultRecord apply(const ResolvedFault& f, int64_t at_ns);

 private:
  struct Worker {
    int pid = 0;
    std::optional<int> rank;
  };
  Agents agents_;
  Placement* hosts_;
  std::vector<Worker> started_;  // in start order, grandchildren excluded
  std::map<int, int> pidfds_;    // worker pid -> pidfd
  std::set<int> exited_;

  std::string signal_agent(const std::string& node, int signo);
  std::string signal_rank(int rank, int signo);
  std::string signal_workers(int signo);
  std::string host_fault(const Action& a, std::string* what);
};

}  // namespace launchcheck
