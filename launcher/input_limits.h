// refrun's limits on sizes that arrive as numbers (the command line, the
// rendezvous store's messages), in one place, so rank arithmetic stays far
// inside an int and nothing is created for an absurd request.
#pragma once

namespace refrun {

// Workers per node: --nproc-per-node (also `cpu`, `gpu`, `auto`), checked
// before any directory or process exists; also what the c10d store accepts.
constexpr int kMaxNprocPerNode = 4096;
// Workers per job (WORLD_SIZE): nodes x nproc, static or c10d.
constexpr int kMaxWorldSize = 1 << 24;
// Longest run id (--rdzv-id): it names the log directory (NAME_MAX is 255).
constexpr int kMaxRunIdLength = 200;
// Seconds (--stop-timeout, --rdzv-conf timeouts): 10^7 s is 115 days, and
// std::chrono's nanoseconds hold 292 years.
constexpr double kMaxSeconds = 1e7;

}  // namespace refrun
