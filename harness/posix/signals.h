// Signal names as scenarios and reports spell them ("SIGTERM").
// Harness-local until common/ provides the one shared table.
#pragma once

#include <optional>
#include <string>

namespace launchcheck {

// nullopt when the name is unknown. Accepts "SIGTERM" and "TERM".
std::optional<int> signal_from_name(const std::string& name);
// "SIGTERM"; "SIG<n>" for numbers without a name.
std::string signal_name(int signo);

}  // namespace launchcheck
