#include "netns_placement.h"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "common/process_table.h"

namespace launchcheck {

NetnsPlacement::NetnsPlacement(std::vector<std::string> names, std::string dir, pid_t owner)
    : names_(std::move(names)), dir_(std::move(dir)), owner_(owner) {}

std::string NetnsPlacement::start() {
  try {
    net_ = std::make_unique<HostNetwork>(names_, dir_);
  } catch (const std::exception& e) {
    return std::string("cannot make the hosts: ") + e.what();
  }
  return "";
}

std::vector<PlacedHost> NetnsPlacement::hosts() const {
  std::vector<PlacedHost> out;
  for (size_t i = 0; i < names_.size(); ++i)
    out.push_back({names_[i], HostNetwork::address_of(i)});
  return out;
}

void NetnsPlacement::place(const std::string& host, common::SpawnOptions& spawn) const {
  const SimHost* h = net_ ? net_->find(host) : nullptr;
  if (!h) throw std::invalid_argument("no host \"" + host + "\" was made");
  // Mount last: entering it resets the cwd, which spawn enters after.
  spawn.enter_namespaces = {{h->ns.net.get(), CLONE_NEWNET},
                            {h->ns.uts.get(), CLONE_NEWUTS},
                            {h->mnt.get(), CLONE_NEWNS}};
}

template <class F>
std::string NetnsPlacement::act(F f) {
  if (!net_) return "the hosts were not made";
  try {
    f(*net_);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::string NetnsPlacement::isolate(const std::string& host) {
  return act([&](HostNetwork& n) { n.isolate(host); });
}

std::string NetnsPlacement::partition(const std::vector<std::vector<std::string>>& groups) {
  return act([&](HostNetwork& n) { n.partition(groups); });
}

std::string NetnsPlacement::heal() {
  return act([](HostNetwork& n) { n.heal(); });
}

unsigned long NetnsPlacement::net_namespace_inode(const std::string& host) const {
  const SimHost* h = net_ ? net_->find(host) : nullptr;
  return h ? namespace_inode(h->ns.net.get()) : 0;
}

std::string NetnsPlacement::kill_host(const std::string& host) {
  unsigned long inode = net_namespace_inode(host);
  if (!inode) return "no host \"" + host + "\" was made";
  int killed = kill_processes_in_netns(inode, owner_);
  return killed ? "" : "no process of the run was on host " + host;
}

std::vector<pid_t> processes_in_netns(unsigned long net_inode, pid_t owner) {
  std::string want = "net:[" + std::to_string(net_inode) + "]";
  std::vector<pid_t> out;
  for (auto& p : common::descendants_of(owner, common::read_process_table())) {
    if (p.state == 'Z') continue;
    char link[64];
    std::string path = "/proc/" + std::to_string(p.pid) + "/ns/net";
    ssize_t n = readlink(path.c_str(), link, sizeof link - 1);
    if (n > 0 && want == std::string(link, static_cast<size_t>(n))) out.push_back(p.pid);
  }
  return out;
}

int kill_processes_in_netns(unsigned long net_inode, pid_t owner) {
  std::set<pid_t> killed;
  // Bounded: a host that forks faster than this kills is a broken run, and
  // the executor's end kills everything anyway.
  for (int round = 0; round < 2000; ++round) {
    auto alive = processes_in_netns(net_inode, owner);
    if (alive.empty()) break;
    for (pid_t p : alive)
      if (killed.insert(p).second) kill(p, SIGKILL);
    usleep(1000);  // a SIGKILLed process needs a moment to become a zombie
  }
  return static_cast<int>(killed.size());
}

}  // namespace launchcheck
