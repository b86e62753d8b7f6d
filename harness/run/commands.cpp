#include "commands.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "agent_command.h"
#include "console_report.h"
#include "json_report.h"
#include "junit.h"
#include "matrix.h"
#include "suite.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

// Loads scenarios; prints one line per bad file. false when any was bad.
bool load(const ScenarioSelection& sel, std::vector<Scenario>* out) {
  std::vector<std::string> errors;
  try {
    *out = load_scenarios(find_scenario_files(sel.paths), &errors);
  } catch (const std::exception& e) {
    errors.push_back(e.what());
  }
  for (auto& e : errors) std::cerr << "launchcheck: " << e << "\n";
  std::vector<Scenario> kept;
  for (auto& s : *out)
    if (matches_filter(s, sel.filter)) kept.push_back(s);
  *out = kept;
  return errors.empty();
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    std::cerr << "launchcheck: cannot write " << path << "\n";
    return false;
  }
  return true;
}

// Where run directories go: under --keep-artifacts DIR (all kept), or a
// fresh $TMPDIR/launchcheck-XXXXXX that keeps only failures.
bool make_run_options(const std::string& build_dir, const std::string& keep,
                      const std::string& trace, RunOptions* opt, std::string* tmp_root) {
  opt->build_dir = build_dir;
  opt->self = self_path();
  opt->trace_dir = trace;
  if (!keep.empty()) {
    opt->artifacts_dir = fs::absolute(keep).string();
    opt->keep_artifacts = true;
    return true;
  }
  const char* t = getenv("TMPDIR");
  std::string templ = std::string(t && *t ? t : "/tmp") + "/launchcheck-XXXXXX";
  if (!mkdtemp(templ.data())) {
    std::cerr << "launchcheck: cannot create a directory like " << templ << "\n";
    return false;
  }
  opt->artifacts_dir = *tmp_root = templ;
  return true;
}

bool load_profile_or_say(const std::string& name, const Locations& where, Profile* out) {
  if (std::string bad = redact_pattern_error(); !bad.empty()) {
    std::cerr << "launchcheck: " << bad << "\n";
    return false;
  }
  try {
    *out = load_profile(name, where.profiles_dir, where.build_dir);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "launchcheck: " << e.what() << "\n";
    return false;
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::string self_path() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("launchcheck") : p.string();
}

int cmd_run(const ScenarioSelection& sel, const RunArgs& args, const Locations& where) {
  Profile profile;
  if (!load_profile_or_say(args.profile, where, &profile)) return kExitBadInput;
  std::vector<Scenario> scenarios;
  if (!load(sel, &scenarios)) return kExitBadInput;
  if (scenarios.empty()) {
    std::cerr << "launchcheck: no scenario matches"
              << (sel.filter.empty() ? "" : " --filter " + sel.filter) << "\n";
    return kExitBadInput;
  }
  RunOptions opt;
  std::string tmp_root;
  if (!make_run_options(where.build_dir, args.keep_artifacts, args.trace, &opt, &tmp_root))
    return kExitBadInput;
  auto t0 = std::chrono::steady_clock::now();
  auto results =
      run_suite(scenarios, profile, opt, args.jobs, args.repeat, [](const ScenarioResult& r) {
        std::cout << console_line(r) << "\n" << failure_details(r) << std::flush;
      });
  double secs = seconds_since(t0);
  std::cout << summary_line(results, secs) << " (profile " << profile.name << ")\n";
  if (!tmp_root.empty()) {
    std::error_code ec;
    fs::remove(tmp_root, ec);  // only succeeds when no failure kept anything
  }
  bool ok = true;
  if (!args.junit.empty())
    ok = write_text(args.junit, junit_report(results, secs, "launchcheck." + profile.name)) && ok;
  if (!args.json.empty()) ok = write_text(args.json, json_report(results, secs).dump(2) + "\n") && ok;
  bool all_skipped = true;
  for (auto& r : results) {
    ok = ok && r.ok();
    all_skipped = all_skipped && r.status == Status::kSkip;
  }
  if (!ok) return kExitFailed;
  return all_skipped ? kExitAllSkipped : 0;
}

int cmd_matrix(const ScenarioSelection& sel, const MatrixArgs& args, const Locations& where) {
  std::vector<Profile> profiles(args.profiles.size());
  for (size_t i = 0; i < args.profiles.size(); ++i)
    if (!load_profile_or_say(args.profiles[i], where, &profiles[i])) return kExitBadInput;
  std::vector<Scenario> scenarios;
  if (!load(sel, &scenarios)) return kExitBadInput;
  if (scenarios.empty()) {
    std::cerr << "launchcheck: no scenario matches\n";
    return kExitBadInput;
  }
  RunOptions opt;
  std::string tmp_root;
  if (!make_run_options(where.build_dir, args.keep_artifacts, "", &opt, &tmp_root))
    return kExitBadInput;
  std::vector<std::pair<std::string, std::vector<ScenarioResult>>> columns;
  for (auto& p : profiles) {
    auto t0 = std::chrono::steady_clock::now();
    // Progress goes to stderr so stdout is nothing but the Markdown.
    auto results = run_suite(scenarios, p, opt, args.jobs, 1, [&](const ScenarioResult& r) {
      std::cerr << console_line(r) << " [" << p.name << "]\n";
    });
    std::cerr << summary_line(results, seconds_since(t0)) << " (profile " << p.name << ")\n";
    columns.emplace_back(p.name, results);
  }
  if (!tmp_root.empty()) {
    std::error_code ec;
    fs::remove(tmp_root, ec);
  }
  std::vector<std::string> ids;
  for (auto& s : scenarios) ids.push_back(s.id);
  std::string md = matrix_markdown(ids, columns);
  if (args.output.empty()) {
    std::cout << md;
    return 0;
  }
  return write_text(args.output, md) ? 0 : kExitFailed;
}

int cmd_list(const ScenarioSelection& sel) {
  std::vector<Scenario> scenarios;
  bool ok = load(sel, &scenarios);
  for (auto& s : scenarios) {
    std::cout << s.id << "  tags: " << (s.tags.empty() ? "-" : join(s.tags, ","))
              << "  requires: " << (s.requires_caps.empty() ? "-" : join(s.requires_caps, ","));
    if (!s.description.empty()) std::cout << "  -- " << s.description;
    std::cout << "\n";
  }
  return ok ? 0 : kExitBadInput;
}

int cmd_validate(const ScenarioSelection& sel) {
  std::vector<Scenario> scenarios;
  bool ok = load(sel, &scenarios);
  std::cout << scenarios.size() << " scenario(s) valid" << (ok ? "" : "; errors above") << "\n";
  return ok ? 0 : kExitBadInput;
}

}  // namespace launchcheck
