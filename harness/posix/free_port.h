// A free TCP port on the loopback. Harness-local until common/ provides the
// one picker.
#pragma once

namespace launchcheck {

// A port on 127.0.0.1 that was free a moment ago (bind to port 0). Throws
// std::runtime_error when no socket can be bound.
int free_tcp_port();

}  // namespace launchcheck
