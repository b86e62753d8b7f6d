// The runner's clock and run ids. Harness-local until common/ provides them.
#pragma once

#include <cstdint>
#include <string>

namespace launchcheck {

// CLOCK_MONOTONIC in nanoseconds: the fixtures stamp their events with the
// same clock, so the two compare.
int64_t now_ns();
// n random lowercase hex digits (run ids, never secrets).
std::string random_hex(int n);

}  // namespace launchcheck
