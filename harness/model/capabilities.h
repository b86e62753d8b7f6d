// The closed list of capability names: what a scenario may `require` and a
// profile may claim. A name outside it is a validation error, so a typo
// (`c10D`, `log_dir`) cannot make a scenario skip for ever unnoticed.
// harness/README.md lists them with their meaning; keep both in step.
#pragma once

#include <string>
#include <vector>

namespace launchcheck {

struct Capability {
  const char* name;
  const char* meaning;
};

const std::vector<Capability>& known_capabilities();
bool is_known_capability(const std::string& name);

// Throws JsonFieldError at `pointer`/i for the first unknown name in `names`.
void check_capabilities(const std::vector<std::string>& names, const std::string& pointer);

}  // namespace launchcheck
