// Clocks: a monotonic one for intervals and deadlines, the wall clock for
// timestamps other programs compare with.
#pragma once

#include <cstdint>

namespace common {

// CLOCK_MONOTONIC in nanoseconds: comparable across processes of one boot
// (workers may write it too), never goes back.
int64_t now_ns();
// CLOCK_REALTIME as Unix seconds with a fraction, like Python's time.time().
double unix_seconds();

}  // namespace common
