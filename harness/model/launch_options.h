// The launch options a scenario node may set: torchrun's, in underscore
// spelling. A profile renders them in its launcher's spelling (profile.h).
#pragma once

#include <map>
#include <string>

namespace launchcheck {

// Option name -> whether it is a flag (true/false, no value).
const std::map<std::string, bool>& known_launch_options();

}  // namespace launchcheck
