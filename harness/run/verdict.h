// A scenario's status from its failing checks and the profile's expectations
// file. An expected failure names its checks: it is XFAIL when every failing
// check is one of them; any other failing check is a FAIL, and a scenario
// that passes outright is an XPASS (the entry is stale).
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
