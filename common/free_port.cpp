#include "common/free_port.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace common {

int bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

int pick_free_port(const std::string& addr) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(addr.empty() ? nullptr : addr.c_str(), "0", &hints, &res);
  if (rc != 0) throw std::runtime_error("cannot resolve '" + addr + "': " + gai_strerror(rc));
  std::string err = "cannot bind a free port on " + addr;
  int port = 0;
  for (addrinfo* a = res; a && port == 0; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0)
      port = bound_port(fd);
    else
      err = "cannot bind a free port on " + addr + ": " + strerror(errno);
    close(fd);
  }
  freeaddrinfo(res);
  if (port == 0) throw std::runtime_error(err);
  return port;
}

}  // namespace common
