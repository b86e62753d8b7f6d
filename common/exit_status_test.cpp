#include "common/exit_status.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace common {

TEST(ExitStatus, DescribesItselfAndGivesEachConventionsCode) {
  ExitStatus three = ExitStatus::exited(3), term = ExitStatus::killed(SIGTERM);
  EXPECT_EQ(three.describe(), "exited 3");
  EXPECT_EQ(term.describe(), "killed by SIGTERM");
  EXPECT_EQ(ExitStatus::killed(64).describe(), "killed by SIG64");
  EXPECT_EQ(three.torchelastic_code(), 3);
  EXPECT_EQ(term.torchelastic_code(), -SIGTERM);
  EXPECT_EQ(three.shell_code(), 3);
  EXPECT_EQ(term.shell_code(), 128 + SIGTERM);
  EXPECT_TRUE(ExitStatus::exited(0).success());
  EXPECT_FALSE(three.success());
  EXPECT_FALSE(ExitStatus::killed(0).success());
  EXPECT_EQ(term.signal(), SIGTERM);
  EXPECT_EQ(term.exit_code(), -1);
  EXPECT_EQ(three.signal(), 0);
}

TEST(ExitStatus, FromWaitStatusAndSiginfo) {
  EXPECT_EQ(ExitStatus::from_wait_status(3 << 8), ExitStatus::exited(3));  // W_EXITCODE(3, 0)
  EXPECT_EQ(ExitStatus::from_wait_status(SIGKILL), ExitStatus::killed(SIGKILL));
  siginfo_t info{};
  info.si_code = CLD_DUMPED;
  info.si_status = SIGSEGV;
  EXPECT_EQ(ExitStatus::from_siginfo(info), ExitStatus::killed(SIGSEGV));
  info.si_code = CLD_EXITED;
  info.si_status = 0;
  EXPECT_EQ(ExitStatus::from_siginfo(info), ExitStatus::exited(0));
}

}  // namespace common
