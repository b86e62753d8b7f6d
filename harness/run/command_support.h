// What the subcommands share: loading the selection and the profile (one
// line per problem on stderr), where run directories go, writing reports.
#pragma once

#include <string>
#include <vector>

#include "commands.h"
#include "job.h"
#include "profile.h"
#include "scenario.h"

namespace launchcheck {

// Loads and selects scenarios; prints one line per bad file. false when any was bad.
bool load_selection(const ScenarioSelection& sel, std::vector<Scenario>* out);
// false (after one line on stderr) for a bad profile or a launcher that is not there.
bool load_profile_or_say(const std::string& name, const Locations& where, Profile* out);
// Under --keep-artifacts DIR (all kept), or a fresh $TMPDIR/launchcheck-XXXXXX
// that keeps only failures (*tmp_root set).
bool make_run_options(const std::string& build_dir, const std::string& keep,
                      const std::string& trace, RunOptions* opt, std::string* tmp_root);
// Removes tmp_root's run directories no result keeps (those of scenarios
// stopped by a signal), then tmp_root itself when empty.
void clean_tmp_root(const std::string& tmp_root, const std::vector<ScenarioResult>& results);
bool write_text(const std::string& path, const std::string& text);

}  // namespace launchcheck
