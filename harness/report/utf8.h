// Reports carry whatever a launcher printed, and launchers print arbitrary
// bytes (a worker's binary output, Latin-1 text). JSON and XML need valid
// UTF-8: each byte that is not part of a valid UTF-8 sequence becomes the
// four characters "\xNN", so nothing is lost and nothing throws.
#pragma once

#include <string>

namespace launchcheck {

std::string escape_invalid_utf8(const std::string& s);

}  // namespace launchcheck
