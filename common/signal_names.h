// Signal names both ways, one table for the whole project: "SIGTERM" or
// "TERM" -> 15 (command lines, scenario files), 11 -> "SIGSEGV" (reports).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace common {

// Accepts "SIGTERM" and "TERM"; blanks around the name are ignored.
// nullopt when the name is unknown.
std::optional<int> signal_from_name(std::string_view name);
// "SIGSEGV"; "SIG<n>" for a number without a name.
std::string signal_name(int signo);

}  // namespace common
