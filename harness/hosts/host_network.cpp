#include "host_network.h"

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace launchcheck {

namespace {

const char kMainBridge[] = "br0";

}  // namespace

std::string HostNetwork::address_of(size_t index) {
  return "10.213.0." + std::to_string(index + 1);
}

HostNetwork::HostNetwork(const std::vector<std::string>& names, const std::string& dir)
    : switch_(make_net_namespace("")) {
  if (names.size() > 250) throw std::invalid_argument("at most 250 hosts");
  add_bridge(switch_.sockets, kMainBridge);
  std::string hosts_file = dir + "/hosts";
  std::ofstream out(hosts_file);
  out << "127.0.0.1 localhost\n";
  for (size_t i = 0; i < names.size(); ++i) {
    SimHost h;
    h.name = names[i];
    h.addr = address_of(i);
    h.ns = make_net_namespace(h.name);
    std::string port = "p" + std::to_string(i);
    add_veth(switch_.sockets, port, "eth0", h.ns.net.get());
    h.port = link_index(switch_.sockets, port);
    bridge_port(switch_.sockets, kMainBridge, h.port, true);
    link_up(switch_.sockets, port, true);
    set_address(h.ns.sockets, "eth0", h.addr, "255.255.255.0");
    link_up(h.ns.sockets, "eth0", true);
    out << h.addr << " " << h.name << "\n";
    hosts_.push_back(std::move(h));
  }
  out.close();
  if (!out) throw std::system_error(errno, std::generic_category(), "write " + hosts_file);
  for (auto& h : hosts_) h.mnt = make_mount_namespace(hosts_file, h.ns.net.get());
}

const SimHost* HostNetwork::find(const std::string& name) const {
  for (auto& h : hosts_)
    if (h.name == name) return &h;
  return nullptr;
}

const SimHost& HostNetwork::get(const std::string& name) const {
  const SimHost* h = find(name);
  if (!h) throw std::invalid_argument("no host named \"" + name + "\"");
  return *h;
}

void HostNetwork::detach(const SimHost& h) {
  bridge_port(switch_.sockets, kMainBridge, h.port, false);
  for (auto& b : group_bridges_) bridge_port(switch_.sockets, b, h.port, false);
}

void HostNetwork::isolate(const std::string& name) { detach(get(name)); }

void HostNetwork::partition(const std::vector<std::vector<std::string>>& groups) {
  for (auto& g : groups)
    for (auto& name : g) get(name);  // every name known before anything moves
  heal();
  for (size_t g = 0; g < groups.size(); ++g) {
    std::string bridge = "g" + std::to_string(g);
    add_bridge(switch_.sockets, bridge);
    group_bridges_.push_back(bridge);
    for (auto& name : groups[g]) {
      const SimHost& h = get(name);
      detach(h);  // a port can be on one bridge only
      bridge_port(switch_.sockets, bridge, h.port, true);
    }
  }
}

void HostNetwork::heal() {
  for (auto& h : hosts_) {
    detach(h);
    bridge_port(switch_.sockets, kMainBridge, h.port, true);
  }
  for (auto& b : group_bridges_) delete_bridge(switch_.sockets, b);
  group_bridges_.clear();
}

}  // namespace launchcheck
