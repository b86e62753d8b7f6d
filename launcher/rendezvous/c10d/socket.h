// Socket plumbing for the c10d store: endpoint parsing, a listening socket,
// and non-blocking connects. Errors come back as one line.
#pragma once

#include <string>
#include <vector>

namespace refrun {

struct C10dEndpoint {
  std::string host;
  int port = 0;
};

// "host", "host:port", "[v6]:port". Throws std::runtime_error naming the
// endpoint when it cannot be parsed.
C10dEndpoint parse_c10d_endpoint(const std::string& text, int default_port);

// Listens on host:port (all of host's local addresses tried in order) with
// SO_REUSEADDR, non-blocking, close-on-exec. Returns the fd, or -1 with
// `err` set and `in_use` telling whether the address is taken by someone
// else (as opposed to not being local at all).
int listen_c10d(const std::string& host, int port, std::string& err, bool& in_use);

// Starts a non-blocking connect to the addresses of host:port, beginning at
// the `attempt`-th (mod their number, so retries rotate through all of
// them), until one is accepted or in progress. Returns the fd or -1 with
// `err` set.
int start_connect(const std::string& host, int port, std::string& err, unsigned attempt = 0);

// The local address of a connected socket, as text ("127.0.0.1").
std::string local_address_of(int fd);

void set_nonblocking(int fd);

}  // namespace refrun
