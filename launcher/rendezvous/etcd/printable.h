// Bytes from the network made fit for a one-line message.
#pragma once

#include <string>

namespace refrun::etcd {

// At most `max` characters of `s`; control and non-ASCII bytes as \xNN,
// "..." when cut.
std::string printable(const std::string& s, size_t max);

}  // namespace refrun::etcd
