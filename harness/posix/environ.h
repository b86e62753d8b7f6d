// This process's environment as a map. Harness-local until common/ provides it.
#pragma once

#include <map>
#include <string>

namespace launchcheck {

std::map<std::string, std::string> environ_map();

}  // namespace launchcheck
