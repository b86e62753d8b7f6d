#include "common/random.h"

#include <cstdio>
#include <random>

namespace common {

namespace {
// Seeded once per thread from the OS: two processes started in the same
// nanosecond still differ.
std::mt19937_64& generator() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }());
  return rng;
}
}  // namespace

std::string random_hex(int n) {
  std::string out;
  out.reserve(n > 0 ? static_cast<size_t>(n) : 0);
  for (int i = 0; i < n; ++i) out += "0123456789abcdef"[generator()() % 16];
  return out;
}

std::string random_uuid() {
  unsigned char b[16];
  for (auto& x : b) x = static_cast<unsigned char>(generator()());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace common
