#include "clock.h"

#include <time.h>
#include <unistd.h>

#include <random>

namespace launchcheck {

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string random_hex(int n) {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(now_ns()) ^
                             static_cast<uint64_t>(getpid()));
  std::string out;
  for (int i = 0; i < n; ++i) out += "0123456789abcdef"[rng() % 16];
  return out;
}

}  // namespace launchcheck
