// The report refrun prints when the job fails, in torchelastic's
// ChildFailedError format (errors/__init__.py), drawn from the workers'
// error records (error_record.h).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "error_record.h"

namespace refrun {

struct WorkerFailure {
  int rank = 0;
  int local_rank = 0;
  int exitcode = 0;  // negative: killed by that signal
  pid_t pid = 0;
  double time = 0;         // unix seconds: when refrun saw it exit
  std::string error_file;  // the worker's TORCHELASTIC_ERROR_FILE
};

struct FailureReport {
  std::string summary;  // the ChildFailedError text
  // One line each ("refrun: warning: ..."): error files that exist but
  // could not be read; their failure falls back to the exit time.
  std::vector<std::string> warnings;
  std::optional<size_t> root;  // index into the failures
  ErrorFile root_error;        // the root cause's error file as read
};

// `failures` in observation order. The root cause is the earliest: the
// record's timestamp when it wrote a readable one, else the time refrun saw
// it exit; ties go to the lowest rank (upstream: dict order).
FailureReport report_failures(const std::string& name, const std::vector<WorkerFailure>& failures,
                              const std::string& hostname);
// report_failures(...).summary.
std::string format_failure_summary(const std::string& name,
                                   const std::vector<WorkerFailure>& failures,
                                   const std::string& hostname);

std::string local_hostname();

}  // namespace refrun
