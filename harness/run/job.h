// One job: one scenario against one launcher profile, from its run
// directory to its verdict. Substitutes the placeholders once
// (ResolvedScenario), renders the agents' commands, runs the executor, judges
// the history and keeps what someone must look at. Must run in a process of
// its own (the suite forks one per scenario).
#pragma once

#include <string>

#include "profile.h"
#include "result.h"
#include "scenario.h"

namespace launchcheck {

struct RunOptions {
  std::string build_dir;        // for {build} and the fixtures
  std::string artifacts_dir;    // the run's directory is created inside
  bool keep_artifacts = false;  // keep passing runs too
  std::string trace_dir;        // "" = no trace
  std::string self;             // launchcheck's path, for the reproduce line
  double orphan_grace_s = 0.5;  // how long survivors may take to exit
  std::string profiles_dir;     // where a node's own "profile" NAME is looked up
  double timeout_scale = 1;     // --timeout-scale: multiplies every scenario's timeout_s
};

ScenarioResult run_scenario(const Scenario& s, const Profile& p, const RunOptions& opt);

// Why the profile cannot run the scenario ("" when it can): a capability,
// the launcher, the machine (a service it needs), a node's own profile.
std::string skip_reason(const Scenario& s, const Profile& p, const RunOptions& opt = {});

}  // namespace launchcheck
