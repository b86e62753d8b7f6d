#include "common/signal_names.h"

#include <gtest/gtest.h>

#include <csignal>

namespace common {

TEST(SignalNames, BothWays) {
  EXPECT_EQ(signal_from_name("SIGTERM"), SIGTERM);
  EXPECT_EQ(signal_from_name("TERM"), SIGTERM);
  EXPECT_EQ(signal_from_name(" SIGUSR2 "), SIGUSR2);
  EXPECT_EQ(signal_from_name("SIGNOPE"), std::nullopt);
  EXPECT_EQ(signal_from_name(""), std::nullopt);
  EXPECT_EQ(signal_from_name("sigterm"), std::nullopt);  // case matters, as upstream
  EXPECT_EQ(signal_name(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(signal_name(64), "SIG64");
}

TEST(SignalNames, EveryNameRoundTrips) {
  for (int s = 1; s < 32; ++s) {
    std::string name = signal_name(s);
    if (name == "SIG" + std::to_string(s)) continue;  // no name (e.g. 16 on x86)
    EXPECT_EQ(signal_from_name(name), s) << name;
    EXPECT_EQ(signal_from_name(name.substr(3)), s) << name;
  }
}

}  // namespace common
