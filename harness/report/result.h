// The verdict on one scenario run, as reporters and the suite see it. It
// crosses a pipe from the forked executor, so it converts to and from JSON.
#pragma once

#include <string>
#include <vector>

#include "check_failure.h"
#include "json_reader.h"
#include "status.h"

namespace launchcheck {

struct ScenarioResult {
  std::string id, file, profile;
  Status status = Status::kError;
  std::string reason;  // skip/xfail reason, or the error
  double seconds = 0;
  // The launchers' own time (first agent start to last exit); seconds minus
  // this is the runner's overhead.
  double launcher_seconds = 0;
  std::vector<CheckFailure> failures;
  std::vector<std::string> reproduce;  // shell command lines
  std::string artifacts;               // kept run directory, "" if removed
  int repeat_index = 0;
  // The profile's retries: the tries that failed before this one, oldest
  // first (their artifacts kept). A pass with earlier tries is reported as
  // a pass on retry, never as a plain pass.
  std::vector<ScenarioResult> earlier_tries;

  bool ok() const { return !is_failure(status); }
  Json to_json() const;
  // to_json() as text for the pipe. A failure may quote a launcher's raw
  // output: bytes that are not UTF-8 become U+FFFD instead of throwing
  // (which would lose the whole verdict).
  std::string to_text() const;
  static ScenarioResult from_json(const Json& j);
};

}  // namespace launchcheck
