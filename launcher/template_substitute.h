// Python's string.Template(text).safe_substitute(values), which torchelastic
// applies to worker arguments (${local_rank}) and log line prefixes.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace refrun {

// $name and ${name} are replaced when known and left as they are otherwise;
// $$ is a dollar.
std::string template_substitute(const std::string& text,
                                const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace refrun
