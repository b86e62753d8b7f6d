#include "rendezvous/c10d/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace refrun {

namespace {

struct AddrInfoFree {
  void operator()(addrinfo* p) const { freeaddrinfo(p); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoFree>;

AddrInfoPtr resolve(const std::string& host, int port, bool passive, std::string& err) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
  if (rc != 0) {
    err = "cannot resolve '" + host + "': " + gai_strerror(rc);
    return nullptr;
  }
  return AddrInfoPtr(res);
}

bool parse_port(const std::string& s, int& port) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  port = std::stoi(s);
  return port <= 65535;
}

}  // namespace

void set_nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

C10dEndpoint parse_c10d_endpoint(const std::string& text, int default_port) {
  C10dEndpoint ep;
  ep.port = default_port;
  auto bad = [&](const std::string& why) {
    return std::runtime_error("invalid --rdzv-endpoint '" + text + "': " + why);
  };
  if (text.empty()) throw bad("the c10d backend needs host[:port]");
  std::string port_text;
  if (text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string::npos) throw bad("missing ']'");
    ep.host = text.substr(1, close - 1);
    std::string rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') throw bad("expected ':' after ']'");
      port_text = rest.substr(1);
      if (!parse_port(port_text, ep.port)) throw bad("port must be 0..65535");
    }
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string::npos && text.find(':') != colon)
      throw bad("IPv6 addresses need brackets, e.g. [::1]:29400");
    ep.host = text.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = text.substr(colon + 1);
      if (!parse_port(port_text, ep.port)) throw bad("port must be 0..65535");
    }
  }
  if (ep.host.empty()) throw bad("empty host");
  return ep;
}

int listen_c10d(const std::string& host, int port, std::string& err, bool& in_use) {
  in_use = false;
  auto addrs = resolve(host, port, false, err);
  if (!addrs) return -1;
  err = "'" + host + "' is not an address of this machine";
  for (addrinfo* a = addrs.get(); a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1024) == 0) return fd;
    int e = errno;
    close(fd);
    if (e == EADDRINUSE) {
      in_use = true;
      err = host + ":" + std::to_string(port) + " is already in use";
      return -1;
    }
    if (e != EADDRNOTAVAIL)
      err = "cannot listen on " + host + ":" + std::to_string(port) + ": " + strerror(e);
  }
  return -1;
}

int start_connect(const std::string& host, int port, std::string& err, unsigned attempt) {
  auto addrs = resolve(host, port, false, err);
  if (!addrs) return -1;
  std::vector<addrinfo*> order;
  for (addrinfo* a = addrs.get(); a; a = a->ai_next) order.push_back(a);
  for (size_t i = 0; i < order.size(); ++i) {
    addrinfo* a = order[(i + attempt) % order.size()];
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) return fd;
    err = "cannot connect to " + host + ":" + std::to_string(port) + ": " + strerror(errno);
    close(fd);
  }
  return -1;
}

std::string local_address_of(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "";
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
  else if (ss.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof buf);
  return buf;
}

}  // namespace refrun
