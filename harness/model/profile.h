// A launcher profile: which command is the launcher, how abstract launch
// options become its arguments, extra environment, the capabilities it
// claims, and the scenarios it is known to fail (xfail, with reasons).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "json_reader.h"
#include "scenario_regex.h"

namespace launchcheck {

// A known failure: the scenario fails in these checks, for this reason. Any
// other check that fails still fails the run, and a named check that passes
// makes the entry stale (XPASS).
struct Xfail {
  std::string pattern;              // glob over scenario ids
  std::vector<std::string> checks;  // globs over failing checks' names ("exit n0", "env *")
  std::string reason;
};

// Which process the workers' parent must be, relative to the process the
// profile launches (key `agent`): the launched process itself (a launcher, or
// a wrapper that execs it), any process below it (a wrapper that runs the
// launcher as its child), or a process below it whose command line matches a
// regex (the launcher inside the wrapper).
struct AgentRelation {
  enum Kind { kLaunched, kDescendant, kCommandMatches };
  Kind kind = kLaunched;
  // kCommandMatches: searched in the command line; compiled once, when the
  // profile is read (RE2, scenario_regex.h).
  std::optional<Regex> re;
  // "the launched process", "a descendant of the launched process", ...
  std::string describe() const;
};

struct Profile {
  std::string name;
  std::string file;  // "" for built-in lookups that failed
  std::string description;
  std::vector<std::string> command;  // {build} and {profile_dir} resolved
  bool underscore = false;           // --nproc_per_node instead of --nproc-per-node
  bool omit_defaults = true;
  std::map<std::string, std::string> env;
  std::vector<std::string> capabilities;
  std::vector<Xfail> xfails;
  AgentRelation agent;
  // A launcher known to fail now and then for reasons of its own (key
  // `retries`: {"count": N, "reason": "..."}): a scenario that fails is run
  // again up to N times, and a pass after a failure is reported as such,
  // never as a plain pass. --retries overrides the count.
  int retries = 0;
  std::string retries_reason;
  // One agent's measured peak RSS in MiB (key `agent_rss_mib`), 0 unknown:
  // `launchcheck bench` skips agent-scale cases that would not fit in the
  // machine's available memory instead of driving it into the OOM killer.
  double agent_rss_mib = 0;

  bool has_capability(const std::string& cap) const;
  // The entry naming the scenario as a known failure, else nullptr.
  const Xfail* xfail_for(const std::string& scenario_id) const;
};

// NAME (looked up as <profiles_dir>/NAME.json) or a path to a file. Errors as
// "file:line:col: message" or "file: /pointer: message".
Profile load_profile(const std::string& name_or_file, const std::string& profiles_dir,
                     const std::string& build_dir);
Profile parse_profile(const Json& doc, const std::string& file, const std::string& build_dir);

// Launch options -> arguments in the profile's spelling, defaults omitted
// when the profile says so. Options are underscore names (scenario.h).
std::vector<std::string> render_options(const Profile& p,
                                        const std::map<std::string, std::string>& options);

// Finds an executable: absolute/relative paths as they are, bare names on PATH.
// "" when there is none.
std::string find_executable(const std::string& name);

}  // namespace launchcheck
