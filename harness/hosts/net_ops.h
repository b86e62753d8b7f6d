// The few network operations the simulated hosts need, as system calls
// on a socket made inside the namespace they act on (a socket stays in the
// network namespace it was created in, whichever thread uses it): link
// flags, an IPv4 address, bridges and their ports (ioctls), and the one
// thing ioctls cannot do, a veth pair (one rtnetlink message). No iproute2.
// Every function throws std::system_error naming the step and the device.
#pragma once

#include <string>

namespace launchcheck {

// An owned descriptor, closed when it goes.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release();
  void reset();

 private:
  int fd_ = -1;
};

// The sockets that act on one network namespace; made while inside it.
struct NetSockets {
  Fd netlink;  // NETLINK_ROUTE
  Fd ioctl;    // AF_INET datagram socket for the SIOC* calls
  static NetSockets make();
};

void link_up(const NetSockets& ns, const std::string& dev, bool up);
int link_index(const NetSockets& ns, const std::string& dev);
// IPv4 address and netmask, e.g. "10.213.0.1", "255.255.255.0".
void set_address(const NetSockets& ns, const std::string& dev, const std::string& addr,
                 const std::string& mask);
void add_bridge(const NetSockets& ns, const std::string& bridge);  // and up
void delete_bridge(const NetSockets& ns, const std::string& bridge);
// Attaches (or detaches) the link with index `ifindex` to a bridge. Detaching
// a port that is not on it is not an error.
void bridge_port(const NetSockets& ns, const std::string& bridge, int ifindex, bool attach);
// A veth pair: `name` in the namespace of `ns`, its peer `peer_name` created
// directly in the network namespace `peer_netns_fd`, so it never exists in
// the namespace of `ns` (nor in the root one).
void add_veth(const NetSockets& ns, const std::string& name, const std::string& peer_name,
              int peer_netns_fd);

}  // namespace launchcheck
