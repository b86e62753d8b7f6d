// Signal names both ways: "SIGTERM"/"TERM" -> 15 for --signals-to-handle,
// 11 -> "SIGSEGV" for failure reports.
#pragma once

#include <string>
#include <vector>

// -1 when the name is unknown.
int signal_from_name(const std::string& name);
// "SIGSEGV"; "SIG<n>" for a number without a name.
std::string signal_name(int signo);
// Parses a comma list of names; throws std::invalid_argument naming the bad one.
std::vector<int> parse_signal_list(const std::string& value);
