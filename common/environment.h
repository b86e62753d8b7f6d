// The process environment as a map, and back to execve's "NAME=value" form.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace common {

using Environment = std::map<std::string, std::string>;

// This process's environ (entries without '=' are skipped).
Environment current_environment();
// "NAME=value" strings, sorted by name (SpawnOptions::env).
std::vector<std::string> to_envp(const Environment& env);

}  // namespace common
