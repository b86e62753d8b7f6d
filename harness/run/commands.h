// The suite's subcommands: run, matrix, list, validate. main.cpp only parses
// the command line into these structs.
#pragma once

#include <string>
#include <vector>

namespace launchcheck {

constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
// Everything was skipped: ctest's SKIP_RETURN_CODE, so skips never count as passes.
constexpr int kExitAllSkipped = 77;

struct ScenarioSelection {
  std::vector<std::string> paths;  // scenario files or folders
  std::string filter;              // glob over ids and names; "" = all
};

struct Locations {
  std::string build_dir;     // {build}: bin/lc_worker and friends
  std::string profiles_dir;  // where profile NAMEs are looked up
};

struct RunArgs {
  std::string profile = "refrun";
  int jobs = 1, repeat = 1;
  std::string junit, json, keep_artifacts, trace;
};

struct MatrixArgs {
  std::vector<std::string> profiles;
  int jobs = 1;
  std::string output, keep_artifacts;
};

int cmd_run(const ScenarioSelection& sel, const RunArgs& args, const Locations& where);
// Every scenario against every profile: a Markdown compatibility matrix.
int cmd_matrix(const ScenarioSelection& sel, const MatrixArgs& args, const Locations& where);
int cmd_list(const ScenarioSelection& sel);
int cmd_validate(const ScenarioSelection& sel);

// /proc/self/exe: launchcheck's own path.
std::string self_path();

}  // namespace launchcheck
