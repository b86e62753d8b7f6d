// Signal names as scenarios and reports spell them ("SIGTERM").
#pragma once

#include <string>

// 0 when the name is unknown. Accepts "SIGTERM" and "TERM".
int signal_from_name(const std::string& name);
// "SIGTERM"; "SIG<n>" for numbers without a name.
std::string signal_name(int signo);
