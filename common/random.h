// Random names: ids for runs, temp names, uuids. Not for cryptography.
#pragma once

#include <string>

namespace common {

// `n` lowercase hex digits.
std::string random_hex(int n);
// An RFC 4122 version 4 uuid, like Python's str(uuid.uuid4()).
std::string random_uuid();

}  // namespace common
