// The argv each worker runs: python -u script, -m module, --run-path, or the
// script itself with --no-python; ${local_rank} substituted in script args.
#pragma once

#include <string>
#include <vector>

#include "options.h"

namespace refrun {

// PYTHON_EXEC if set, else the first python3 on PATH (resolved to a path).
// Throws UsageError when there is none.
std::string python_executable(const Environment& env);
// Resolves a command name through PATH like execvp; empty when not found.
std::string find_in_path(const std::string& name, const Environment& env);

// `program` is the resolved interpreter (python modes) or script path.
std::vector<std::string> worker_argv(const LaunchConfig& config, const std::string& program,
                                     int local_rank);
// Upstream names a failed job after the script (or module) it ran.
std::string entrypoint_name(const LaunchConfig& config);

}  // namespace refrun
