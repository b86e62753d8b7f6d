// The report refrun prints when the job fails, in torchelastic's
// ChildFailedError format (errors/__init__.py), and the worker error record
// it draws on (error_handler.py writes it to TORCHELASTIC_ERROR_FILE).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refrun {

struct ErrorRecord {
  std::string message;              // message.message
  std::string traceback;            // message.extraInfo.py_callstack, else the message
  std::optional<double> timestamp;  // message.extraInfo.timestamp (unix seconds)
};

// nullopt when the file is missing, larger than 4 MiB or not a readable
// record.
std::optional<ErrorRecord> read_error_file(const std::string& path);
// The same for the file's text (what the fuzzer feeds). A timestamp that
// is not a plausible time (1e300, nan, negative) is left out.
std::optional<ErrorRecord> parse_error_record(std::string_view text);

struct WorkerFailure {
  int rank = 0;
  int local_rank = 0;
  int exitcode = 0;  // negative: killed by that signal
  pid_t pid = 0;
  double time = 0;         // unix seconds: when refrun saw it exit
  std::string error_file;  // the worker's TORCHELASTIC_ERROR_FILE
};

// `failures` in observation order; the root cause is the earliest (error
// record timestamp if present, else exit time).
std::string format_failure_summary(const std::string& name,
                                   const std::vector<WorkerFailure>& failures,
                                   const std::string& hostname);

std::string local_hostname();

}  // namespace refrun
