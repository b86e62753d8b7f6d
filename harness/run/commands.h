// The suite's subcommands: run, matrix, list, validate. main.cpp only parses
// the command line into these structs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "selection.h"

namespace launchcheck {

// Exit statuses, the same for every subcommand (--help lists them).
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
// Everything was skipped: ctest's SKIP_RETURN_CODE, so skips never count as
// passes. Only for one scenario, or with --allow-all-skipped.
constexpr int kExitAllSkipped = 77;
// Stopped by signal N: 128 + N (130 for Ctrl-C).
constexpr int kExitSignalBase = 128;

struct Locations {
  std::string build_dir;     // {build}: bin/lc_worker and friends
  std::string profiles_dir;  // where profile NAMEs are looked up
};

struct RunArgs {
  std::string profile = "refrun";
  int jobs = 1, repeat = 1;
  std::string junit, json, keep_artifacts, trace;
  bool allow_all_skipped = false;
  bool rerun_failed = false;  // only what failed in the last report (last_report.h)
  bool shuffle = false;
  std::optional<uint64_t> seed;  // --seed: implies --shuffle
  bool fail_fast = false;
  std::optional<int> retries;  // --retries: else the profile's
  double timeout_scale = 1;
  size_t durations = 0;  // list the N slowest
  std::string colour = "auto";
};

struct MatrixArgs {
  std::vector<std::string> profiles;
  int jobs = 1;
  std::optional<int> retries;  // --retries: else each profile's
  std::string output, keep_artifacts;
};

int cmd_run(const ScenarioSelection& sel, const RunArgs& args, const Locations& where);
// Every scenario against every profile: a Markdown compatibility matrix.
// Exits 1 when a profile misses its expectations.
int cmd_matrix(const ScenarioSelection& sel, const MatrixArgs& args, const Locations& where);
int cmd_list(const ScenarioSelection& sel);
int cmd_validate(const ScenarioSelection& sel);

// /proc/self/exe: launchcheck's own path.
std::string self_path();

}  // namespace launchcheck
