// Simulated hosts on one machine: each host is a network namespace with its
// own host name (UTS namespace), loopback and one link `eth0` with the
// address 10.213.0.<i+1>/24, plugged into a bridge in a "switch" network
// namespace of its own; a mount namespace per host puts the run's hosts file
// on /etc/hosts so every host resolves every host name. Nothing is routed
// out and nothing exists in the root namespace: the veth pairs are made in
// the switch with their host end created directly in the host.
//
// Faults act in the switch: a host's port detached from every bridge
// (isolate), one bridge per partition group, all ports back on the main
// bridge (heal). Packets are dropped silently, as by a real partition.
#pragma once

#include <string>
#include <vector>

#include "namespaces.h"

namespace launchcheck {

struct SimHost {
  std::string name, addr;
  NetNamespace ns;
  Fd mnt;
  int port = 0;  // ifindex of its end in the switch
};

class HostNetwork {
 public:
  // Builds the hosts; writes `dir`/hosts. Throws std::system_error naming
  // the step that failed (whatever was made so far is freed with the
  // descriptors).
  HostNetwork(const std::vector<std::string>& names, const std::string& dir);

  // The address host number `index` gets: known before anything is built.
  static std::string address_of(size_t index);

  const std::vector<SimHost>& hosts() const { return hosts_; }
  // nullptr when there is no such host.
  const SimHost* find(const std::string& name) const;

  void isolate(const std::string& name);
  // Hosts in different groups cannot reach each other; hosts named in no
  // group stay together on the main bridge.
  void partition(const std::vector<std::vector<std::string>>& groups);
  void heal();

 private:
  NetNamespace switch_;
  std::vector<SimHost> hosts_;
  std::vector<std::string> group_bridges_;

  const SimHost& get(const std::string& name) const;
  void detach(const SimHost& h);
};

}  // namespace launchcheck
