#include "signal_names.h"

#include <gtest/gtest.h>

#include <csignal>
#include <stdexcept>

TEST(SignalNames, BothWays) {
  EXPECT_EQ(signal_from_name("SIGTERM"), SIGTERM);
  EXPECT_EQ(signal_from_name("TERM"), SIGTERM);
  EXPECT_EQ(signal_from_name(" SIGUSR2 "), SIGUSR2);
  EXPECT_EQ(signal_from_name("SIGNOPE"), -1);
  EXPECT_EQ(signal_name(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(signal_name(64), "SIG64");
}

TEST(SignalNames, ListRejectsUnknownAndUncatchable) {
  EXPECT_EQ(parse_signal_list("SIGTERM,INT"), (std::vector<int>{SIGTERM, SIGINT}));
  EXPECT_THROW(parse_signal_list("SIGTERM,BOGUS"), std::invalid_argument);
  EXPECT_THROW(parse_signal_list("SIGKILL"), std::invalid_argument);
  EXPECT_THROW(parse_signal_list(""), std::invalid_argument);
}
