// A TCP port nothing listens on right now: bind port 0 at an address, read
// the port back, close. (Another process may take it before the caller
// binds it; callers that can, bind port 0 themselves instead.)
#pragma once

#include <string>

namespace common {

// `addr` is a host name or a literal IPv4/IPv6 address; every address it
// resolves to is tried in order. Throws std::runtime_error with one line
// ("cannot resolve 'x': ...", "cannot bind a free port on x: ...").
int pick_free_port(const std::string& addr = "127.0.0.1");
// The port a bound socket got (IPv4 or IPv6; after binding port 0); 0 when
// it has none.
int bound_port(int fd);

}  // namespace common
