// A scenario's verdict, like lit's result codes.
#pragma once

#include <optional>
#include <string>

namespace launchcheck {

enum class Status {
  kPass,
  kFail,
  kSkip,   // the profile cannot run it (capability, launcher not installed)
  kXfail,  // failed, as the profile's expectations file says it does
  kXpass,  // passed although expected to fail: the expectations are stale
  kError,  // could not be run or judged at all
};

// Whether the run as a whole fails: fail, xpass, error.
bool is_failure(Status s);
// "pass", "fail", "skip", "xfail", "xpass", "error": the reports' spelling.
std::string to_string(Status s);
std::optional<Status> status_from_string(const std::string& s);

}  // namespace launchcheck
