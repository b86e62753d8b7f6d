// A scenario's status from its failing checks and the profile's expectations
// file. An expected failure names its checks: it is XFAIL only when the
// failing checks are exactly covered by them; any other failing check is a
// FAIL, and a named check that passed makes the entry stale (XPASS).
#pragma once

#include <string>
#include <vector>

#include "check_failure.h"
#include "profile.h"
#include "status.h"

namespace launchcheck {

struct Verdict {
  Status status = Status::kPass;
  std::string reason;  // "" for a plain pass or fail
};

Verdict decide_verdict(const std::vector<CheckFailure>& failures, const Xfail* expected);

}  // namespace launchcheck
