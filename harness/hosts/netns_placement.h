// The local placement: hosts as network namespaces of this machine
// (host_network.h). Processes enter a host's network, UTS and mount
// namespaces between fork and exec; kill_host finds a host's processes by
// their network namespace in /proc.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "host_network.h"
#include "placement.h"

namespace launchcheck {

class NetnsPlacement : public Placement {
 public:
  // `dir` receives the hosts file; `owner` is the process whose descendants
  // kill_host may kill (the executor): nothing else on the machine is hit.
  NetnsPlacement(std::vector<std::string> names, std::string dir, pid_t owner);

  std::string start() override;
  std::vector<PlacedHost> hosts() const override;
  void place(const std::string& host, common::SpawnOptions& spawn) const override;
  std::string isolate(const std::string& host) override;
  std::string partition(const std::vector<std::vector<std::string>>& groups) override;
  std::string heal() override;
  std::string kill_host(const std::string& host) override;
  // The inode of a host's network namespace; 0 when there is no such host.
  unsigned long net_namespace_inode(const std::string& host) const;

 private:
  std::vector<std::string> names_;
  std::string dir_;
  pid_t owner_;
  std::unique_ptr<HostNetwork> net_;

  template <class F>
  std::string act(F f);
};

// Every live (not zombie) descendant of `owner` in the network namespace
// with inode `net_inode`.
std::vector<pid_t> processes_in_netns(unsigned long net_inode, pid_t owner);

// SIGKILLs them, rescanning until none is alive (one may fork during a
// scan); returns how many were killed.
int kill_processes_in_netns(unsigned long net_inode, pid_t owner);

}  // namespace launchcheck
