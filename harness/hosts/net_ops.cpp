#include "net_ops.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace launchcheck {

namespace {

[[noreturn]] void fail(const std::string& what, int err = errno) {
  throw std::system_error(err, std::generic_category(), what);
}

ifreq named(const std::string& dev) {
  ifreq r{};
  strncpy(r.ifr_name, dev.c_str(), IFNAMSIZ - 1);
  return r;
}

// One rtnetlink request with its attributes, built in a fixed buffer.
class NetlinkRequest {
 public:
  NetlinkRequest(int type, int flags) {
    h()->nlmsg_len = NLMSG_LENGTH(0);
    h()->nlmsg_type = static_cast<uint16_t>(type);
    h()->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  }
  void put(const void* d, size_t n) {
    memcpy(tail(), d, n);
    h()->nlmsg_len = NLMSG_ALIGN(h()->nlmsg_len) + static_cast<uint32_t>(n);
  }
  rtattr* attr(int type, const void* d, size_t n) {
    auto* a = reinterpret_cast<rtattr*>(tail());
    a->rta_type = static_cast<uint16_t>(type);
    a->rta_len = static_cast<uint16_t>(RTA_LENGTH(n));
    if (n) memcpy(RTA_DATA(a), d, n);
    h()->nlmsg_len = NLMSG_ALIGN(h()->nlmsg_len) + RTA_ALIGN(a->rta_len);
    return a;
  }
  void end(rtattr* nest) {
    nest->rta_len = static_cast<uint16_t>(buf_ + h()->nlmsg_len - reinterpret_cast<char*>(nest));
  }
  // Sends it and reads the kernel's answer (an ack or an error).
  void call(int fd, const std::string& what) {
    if (send(fd, buf_, h()->nlmsg_len, 0) < 0) fail(what);
    alignas(nlmsghdr) char reply[4096];
    ssize_t n = recv(fd, reply, sizeof reply, 0);
    if (n < static_cast<ssize_t>(NLMSG_LENGTH(sizeof(nlmsgerr)))) fail(what, n < 0 ? errno : EIO);
    auto* rh = reinterpret_cast<nlmsghdr*>(reply);
    if (rh->nlmsg_type == NLMSG_ERROR) {
      int err = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(rh))->error;
      if (err) fail(what, err);
    }
  }

 private:
  alignas(nlmsghdr) char buf_[1024] = {};
  nlmsghdr* h() { return reinterpret_cast<nlmsghdr*>(buf_); }
  char* tail() { return buf_ + NLMSG_ALIGN(h()->nlmsg_len); }
};

}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    reset();
    fd_ = o.release();
  }
  return *this;
}

int Fd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void Fd::reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

NetSockets NetSockets::make() {
  // CLOEXEC: a launcher that inherited one would keep the namespace alive.
  NetSockets s{Fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)),
               Fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0))};
  if (s.netlink.get() < 0 || s.ioctl.get() < 0) fail("socket in a new network namespace");
  return s;
}

void link_up(const NetSockets& ns, const std::string& dev, bool up) {
  ifreq r = named(dev);
  if (ioctl(ns.ioctl.get(), SIOCGIFFLAGS, &r) != 0) fail("SIOCGIFFLAGS " + dev);
  r.ifr_flags = static_cast<short>(up ? (r.ifr_flags | IFF_UP) : (r.ifr_flags & ~IFF_UP));
  if (ioctl(ns.ioctl.get(), SIOCSIFFLAGS, &r) != 0) fail("SIOCSIFFLAGS " + dev);
}

int link_index(const NetSockets& ns, const std::string& dev) {
  ifreq r = named(dev);
  if (ioctl(ns.ioctl.get(), SIOCGIFINDEX, &r) != 0) fail("SIOCGIFINDEX " + dev);
  return r.ifr_ifindex;
}

void set_address(const NetSockets& ns, const std::string& dev, const std::string& addr,
                 const std::string& mask) {
  ifreq r = named(dev);
  auto* sin = reinterpret_cast<sockaddr_in*>(&r.ifr_addr);
  sin->sin_family = AF_INET;
  if (inet_pton(AF_INET, addr.c_str(), &sin->sin_addr) != 1) fail("address " + addr, EINVAL);
  if (ioctl(ns.ioctl.get(), SIOCSIFADDR, &r) != 0) fail("SIOCSIFADDR " + dev);
  if (inet_pton(AF_INET, mask.c_str(), &sin->sin_addr) != 1) fail("netmask " + mask, EINVAL);
  if (ioctl(ns.ioctl.get(), SIOCSIFNETMASK, &r) != 0) fail("SIOCSIFNETMASK " + dev);
}

void add_bridge(const NetSockets& ns, const std::string& bridge) {
  if (ioctl(ns.ioctl.get(), SIOCBRADDBR, bridge.c_str()) != 0 && errno != EEXIST)
    fail("SIOCBRADDBR " + bridge);
  link_up(ns, bridge, true);
}

void delete_bridge(const NetSockets& ns, const std::string& bridge) {
  link_up(ns, bridge, false);  // a bridge must be down to be deleted
  if (ioctl(ns.ioctl.get(), SIOCBRDELBR, bridge.c_str()) != 0) fail("SIOCBRDELBR " + bridge);
}

void bridge_port(const NetSockets& ns, const std::string& bridge, int ifindex, bool attach) {
  ifreq r = named(bridge);
  r.ifr_ifindex = ifindex;
  if (ioctl(ns.ioctl.get(), attach ? SIOCBRADDIF : SIOCBRDELIF, &r) == 0) return;
  if (attach) fail("SIOCBRADDIF " + bridge);
  if (errno != EINVAL) fail("SIOCBRDELIF " + bridge);  // EINVAL: not a port of it
}

void add_veth(const NetSockets& ns, const std::string& name, const std::string& peer_name,
              int peer_netns_fd) {
  NetlinkRequest m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  ifinfomsg ifi{};
  m.put(&ifi, sizeof ifi);
  m.attr(IFLA_IFNAME, name.c_str(), name.size() + 1);
  rtattr* info = m.attr(IFLA_LINKINFO, nullptr, 0);
  m.attr(IFLA_INFO_KIND, "veth", 5);
  rtattr* data = m.attr(IFLA_INFO_DATA, nullptr, 0);
  rtattr* peer = m.attr(VETH_INFO_PEER, nullptr, 0);
  m.put(&ifi, sizeof ifi);
  m.attr(IFLA_IFNAME, peer_name.c_str(), peer_name.size() + 1);
  m.attr(IFLA_NET_NS_FD, &peer_netns_fd, sizeof peer_netns_fd);
  m.end(peer);
  m.end(data);
  m.end(info);
  m.call(ns.netlink.get(), "RTM_NEWLINK veth " + name);
}

}  // namespace launchcheck
