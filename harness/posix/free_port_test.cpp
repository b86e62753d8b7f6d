#include "free_port.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

TEST(FreePort, IsInRange) {
  int p = free_tcp_port();
  EXPECT_GT(p, 0);
  EXPECT_LT(p, 65536);
}

}  // namespace
}  // namespace launchcheck
