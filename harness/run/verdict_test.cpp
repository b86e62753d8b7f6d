// An expected failure names its checks: the others are still judged.
#include "verdict.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

const Xfail kRunId{"env/*", {"env TORCHELASTIC_RESTART_COUNT"}, "old launcher"};

TEST(Verdict, NoExpectation) {
  EXPECT_EQ(decide_verdict({}, nullptr).status, Status::kPass);
  EXPECT_EQ(decide_verdict({{"exit n0", "0", "1"}}, nullptr).status, Status::kFail);
}

TEST(Verdict, ExactlyTheNamedChecksFailIsXfail) {
  Verdict v = decide_verdict({{"env TORCHELASTIC_RESTART_COUNT", "0", "unset"}}, &kRunId);
  EXPECT_EQ(v.status, Status::kXfail);
  EXPECT_EQ(v.reason, "old launcher [\"env TORCHELASTIC_RESTART_COUNT\"]");
}

// The case: an xfail written for one check hid a missing
// TORCHELASTIC_RUN_ID in the same scenario.
TEST(Verdict, AnotherFailingCheckStillFails) {
  Verdict v = decide_verdict({{"env TORCHELASTIC_RESTART_COUNT", "0", "unset"},
                              {"env TORCHELASTIC_RUN_ID", "set", "unset"}},
                             &kRunId);
  EXPECT_EQ(v.status, Status::kFail);
  EXPECT_NE(v.reason.find("other checks failed too: \"env TORCHELASTIC_RUN_ID\""),
            std::string::npos)
      << v.reason;
}

// Only a scenario that passes outright is stale; a named check that passed
// this time is said in the reason (timing decides some of them).
TEST(Verdict, APassIsStaleANamedCheckThatPassedIsSaid) {
  Xfail two{"a/*", {"exit n0", "output *"}, "r"};
  EXPECT_EQ(decide_verdict({}, &two).status, Status::kXpass);
  Verdict v = decide_verdict({{"exit n0", "0", "1"}}, &two);
  EXPECT_EQ(v.status, Status::kXfail);
  EXPECT_EQ(v.reason, "r [\"exit n0\", \"output *\"]; \"output *\" passed this time");
  EXPECT_EQ(decide_verdict({{"exit n0", "0", "1"}, {"output console", "", ""}}, &two).reason,
            "r [\"exit n0\", \"output *\"]");
}

// Names are compared as written first: "[0-3]" in a check's name is text.
TEST(Verdict, ACheckNameWithGlobCharactersMatchesItself) {
  Xfail files{"basic/*", {"files {tmp}/[0-3]"}, "r"};
  EXPECT_EQ(decide_verdict({{"files {tmp}/[0-3]", "4", "0"}}, &files).status, Status::kXfail);
}

}  // namespace
}  // namespace launchcheck
