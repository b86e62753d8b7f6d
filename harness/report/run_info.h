// What the reports say about the run as a whole, beside its results.
#pragma once

#include <cstddef>
#include <string>

namespace launchcheck {

struct RunInfo {
  std::string profile;
  std::string timestamp;  // ISO 8601 UTC, when the run started
  std::string hostname;
  std::string seed;    // --shuffle's seed, "" when the order was the files'
  int signal = 0;      // the signal that interrupted the run, 0 if none
  size_t not_run = 0;  // scenarios never started or stopped unfinished
};

// Now, and this machine's name.
RunInfo run_info_now(const std::string& profile);

}  // namespace launchcheck
