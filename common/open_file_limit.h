// RLIMIT_NOFILE: a process that holds pipes, logs and pidfds for hundreds of
// children raises its soft limit; the children get the original back
// (SpawnOptions::nofile_limit), as programs expect 1024 with select().
#pragma once

#include <sys/resource.h>

#include <optional>

namespace common {

// Raises the soft limit to the hard limit. Returns the limit before, or
// nullopt when nothing changed (already at the hard limit, or not allowed).
std::optional<rlimit> raise_open_file_limit();

}  // namespace common
