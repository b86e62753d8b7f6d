// `launchcheck bench`: every case against every profile, launchers alternating
// run by run after a warm-up; prints the table and writes the reports.
#pragma once

#include <string>
#include <vector>

namespace launchcheck {

struct BenchOptions {
  std::vector<std::string> profiles;  // NAME or FILE; the first is the baseline of the ratios
  std::vector<std::string> cases;     // globs over case names; empty: all
  int runs = 5, warmup = 1;
  bool quick = false;
  std::string json, markdown, plot;
  std::string build_dir, profiles_dir;
  std::string command_line;  // for the report's "how to reproduce"
};

// Exit status: 0 all ran (skips allowed), 1 a run failed, 2 bad input.
int cmd_bench(const BenchOptions& opt);

}  // namespace launchcheck
