// Where worker logs and error files go, as upstream's DefaultLogsSpecs lays
// them out: <log_dir>/<run_id>_<random>/attempt_<N>/<local_rank>/
// {stdout.log,stderr.log,error.json}; and the console line prefix.
#pragma once

#include <string>
#include <vector>

#include "options.h"

namespace refrun {

struct RankLogPaths {
  std::string dir;
  std::string stdout_log;
  std::string stderr_log;
  std::string error_file;
};

// Creates the base dir (if given; else a fresh $TMPDIR/refrun_<pid>_XXXXXX,
// after removing those of dead pids that hold no file) and a fresh
// <run_id>_XXXXXXXX inside it; returns the latter. Throws UsageError naming
// --log-dir when it cannot.
std::string make_run_log_dir(const std::string& log_dir, const std::string& run_id,
                             const Environment& env);

// Removes `dir` if it holds nothing but (empty) directories; keeps it when a
// log or error file exists. For the default temp dir, so runs without logs
// leave no litter behind.
void remove_if_no_files(const std::string& dir);

// Creates attempt_<attempt>/<local_rank>/ for every local rank.
std::vector<RankLogPaths> make_attempt_dirs(const std::string& run_dir, int attempt, int nproc);

// TORCHELASTIC_LOG_LINE_PREFIX_TEMPLATE with ${role_name}, ${rank},
// ${local_rank} (Python string.Template, safe_substitute); with no template
// upstream's default "[<role><local_rank>]:".
std::string log_line_prefix(const std::string& tmpl, const std::string& role, int rank,
                            int local_rank);

}  // namespace refrun
