#include "worker_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include "common/text.h"
#include "template_substitute.h"

namespace refrun {

// execve needs a file: a directory passes access(X_OK) but not exec.
static bool executable_file(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string find_in_path(const std::string& name, const Environment& env) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return executable_file(name) ? name : "";
  auto it = env.find("PATH");
  std::string path = it == env.end() ? "/usr/local/bin:/usr/bin:/bin" : it->second;
  for (const std::string& dir : common::split(path, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (executable_file(candidate)) return candidate;
  }
  return "";
}

std::string python_executable(const Environment& env) {
  auto it = env.find("PYTHON_EXEC");
  std::string name = it != env.end() && !it->second.empty() ? it->second : "python3";
  std::string found = find_in_path(name, env);
  if (found.empty())
    throw UsageError((it != env.end() ? "PYTHON_EXEC " : "python3 ") + name +
                     ": no such executable (needed to run a Python script)");
  return found;
}

std::vector<std::string> worker_argv(const LaunchConfig& c, const std::string& program,
                                     int local_rank) {
  // argv[0] is the script as the user wrote it; `program` is what gets exec'd.
  std::vector<std::string> argv{c.no_python && !c.run_path ? c.script : program};
  if (c.run_path) {
    // Like runpy.run_path in the agent: the script runs as __main__ with
    // sys.argv = [script, args...].
    argv.insert(argv.end(), {"-u", "-c",
                             "import runpy, sys; sys.argv = sys.argv[1:]; "
                             "runpy.run_path(sys.argv[0], run_name='__main__')",
                             c.script});
  } else if (!c.no_python) {
    argv.push_back("-u");
    if (c.module) argv.push_back("-m");
    argv.push_back(c.script);
  }
  argv.insert(argv.end(), c.script_args.begin(), c.script_args.end());
  // Upstream's macros.substitute: string.Template over every argument.
  std::vector<std::pair<std::string, std::string>> values{
      {"local_rank", std::to_string(local_rank)}};
  for (size_t i = 1; i < argv.size(); ++i) argv[i] = template_substitute(argv[i], values);
  return argv;
}

std::string entrypoint_name(const LaunchConfig& c) {
  return c.script;
}

}  // namespace refrun
