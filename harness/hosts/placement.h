// Placement: where a node's agent runs. A scenario with `hosts` runs each
// node "on" one of them through this one interface; the executor never
// knows how. NetnsPlacement (netns_placement.h) makes the hosts on this
// machine with network namespaces; PrefixPlacement (prefix_placement.h)
// runs the command through a prefix such as `ssh HOST` or `srun -w HOST --`
// for real machines. Faults a placement cannot do answer why not.
#pragma once

#include <string>
#include <vector>

#include "common/spawn.h"

namespace launchcheck {

struct PlacedHost {
  std::string name;  // {host:NAME}
  std::string addr;  // {addr:NAME}
};

class Placement {
 public:
  virtual ~Placement() = default;

  // Makes the hosts ready before the first agent starts: "" when they are,
  // else why not (the run's setup error; nothing is started).
  virtual std::string start() = 0;
  virtual std::vector<PlacedHost> hosts() const = 0;

  // Changes `spawn` (already complete for a local start: program, argv,
  // env, cwd) so that its program runs on `host`.
  virtual void place(const std::string& host, common::SpawnOptions& spawn) const = 0;

  // Faults. Each returns "" when done, else why not.
  virtual std::string isolate(const std::string& host) = 0;
  virtual std::string partition(const std::vector<std::vector<std::string>>& groups) = 0;
  virtual std::string heal() = 0;
  // SIGKILL every process of the run on `host`: agent, workers, children.
  virtual std::string kill_host(const std::string& host) = 0;
};

}  // namespace launchcheck
