// Runs one scenario against one launcher profile and judges it. Must run in a
// process of its own (the suite forks one per scenario): it makes that process
// a child subreaper and reaps every child it finds.
#pragma once

#include <string>

#include "profile.h"
#include "result.h"
#include "scenario.h"

struct RunOptions {
  std::string build_dir;        // for {build} and the fixtures
  std::string artifacts_dir;    // the run's directory is created inside
  bool keep_artifacts = false;  // keep passing runs too
  std::string trace_dir;        // "" = no trace
  std::string self;             // launchcheck's path, for the reproduce line
  double orphan_grace_s = 0.5;  // how long survivors may take to exit
};

ScenarioResult run_scenario(const Scenario& s, const Profile& p, const RunOptions& opt);

// Why the profile cannot run the scenario ("" when it can).
std::string skip_reason(const Scenario& s, const Profile& p);

std::string shell_quote(const std::string& s);
