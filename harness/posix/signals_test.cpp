#include "signals.h"

#include <gtest/gtest.h>

#include <csignal>

namespace launchcheck {
namespace {

TEST(Signals, NamesBothWays) {
  EXPECT_EQ(signal_from_name("SIGTERM"), SIGTERM);
  EXPECT_EQ(signal_from_name("TERM"), SIGTERM);
  EXPECT_EQ(signal_from_name("SIGNOPE"), std::nullopt);
  EXPECT_EQ(signal_from_name(""), std::nullopt);
  EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(signal_name(99), "SIG99");
}

}  // namespace
}  // namespace launchcheck
