#include "status.h"

#include <utility>

namespace launchcheck {

namespace {

const std::pair<Status, const char*> kNames[] = {
    {Status::kPass, "pass"},   {Status::kFail, "fail"},   {Status::kSkip, "skip"},
    {Status::kXfail, "xfail"}, {Status::kXpass, "xpass"}, {Status::kError, "error"},
};

}  // namespace

bool is_failure(Status s) {
  return s == Status::kFail || s == Status::kXpass || s == Status::kError;
}

std::string to_string(Status s) {
  for (auto& [status, name] : kNames)
    if (status == s) return name;
  return "error";
}

std::optional<Status> status_from_string(const std::string& s) {
  for (auto& [status, name] : kNames)
    if (name == s) return status;
  return std::nullopt;
}

}  // namespace launchcheck
