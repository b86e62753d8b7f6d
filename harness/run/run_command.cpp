// `launchcheck run`: select, order, run, print as it goes, summarise, report.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <random>
#include <set>

#include "command_support.h"
#include "commands.h"
#include "console_report.h"
#include "json_report.h"
#include "junit.h"
#include "last_report.h"
#include "progress.h"
#include "run_summary.h"
#include "suite.h"

namespace launchcheck {

namespace {

// The scenarios to run, in order; false after one line on stderr. An empty
// selection with --rerun-failed is fine (nothing failed last time).
bool choose_scenarios(const ScenarioSelection& sel, const RunArgs& args, std::vector<Scenario>* out,
                      std::string* seed) {
  if (!load_selection(sel, out)) return false;
  if (args.rerun_failed) {
    std::set<std::string> failed;
    try {
      failed = last_failed_ids();
    } catch (const std::exception& e) {
      std::cerr << "launchcheck: " << e.what() << "\n";
      return false;
    }
    std::vector<Scenario> kept;
    for (auto& s : *out)
      if (failed.count(s.id)) kept.push_back(s);
    *out = kept;
    if (out->empty()) return true;
  }
  if (out->empty()) {
    std::cerr << "launchcheck: no scenario matches the paths, --filter, --exclude and tags given\n";
    return false;
  }
  if (args.shuffle || args.seed) {
    uint64_t n = args.seed ? *args.seed : std::random_device{}();
    shuffle_scenarios(*out, n);
    *seed = std::to_string(n);
  }
  return true;
}

// The exit status once every report is written.
int exit_status(const SuiteOutcome& o, size_t runs, bool wrote, const RunArgs& args) {
  if (o.signal) return kExitSignalBase + o.signal;
  bool ok = wrote, all_skipped = !o.results.empty();
  for (auto& r : o.results) {
    ok = ok && r.ok();
    all_skipped = all_skipped && r.status == Status::kSkip;
  }
  if (!ok) return kExitFailed;
  if (!all_skipped) return 0;
  // One scenario: ctest's per-scenario tests show it as skipped. Several:
  // a suite in which nothing ran must not look green.
  if (runs == 1 || args.allow_all_skipped) return kExitAllSkipped;
  std::cerr << "launchcheck: every one of the " << runs
            << " selected scenarios was skipped; nothing was tested (--allow-all-skipped "
               "accepts that, exit 77)\n";
  return kExitFailed;
}

}  // namespace

int cmd_run(const ScenarioSelection& sel, const RunArgs& args, const Locations& where) {
  Profile profile;
  if (!load_profile_or_say(args.profile, where, &profile)) return kExitBadInput;
  std::vector<Scenario> scenarios;
  RunInfo info = run_info_now(profile.name);
  if (!choose_scenarios(sel, args, &scenarios, &info.seed)) return kExitBadInput;
  if (scenarios.empty()) {
    std::cout << "Nothing failed in the last run (" << last_report_path()
              << "): nothing to rerun\n";
    return 0;
  }
  if (!info.seed.empty()) std::cout << "Shuffled with --seed " << info.seed << "\n";
  if (int n = args.retries.value_or(profile.retries); n > 0)
    std::cout << "Retries: a failing scenario runs up to " << n << " more time(s)"
              << (args.retries ? " (--retries)" : " (profile " + profile.name + ": " +
                                                      profile.retries_reason + ")")
              << "; a pass after a failure is listed as such\n";
  RunOptions opt;
  std::string tmp_root;
  if (!make_run_options(where.build_dir, args.keep_artifacts, args.trace, &opt, &tmp_root))
    return kExitBadInput;
  opt.timeout_scale = args.timeout_scale;
  opt.profiles_dir = where.profiles_dir;  // a node's own "profile"

  size_t runs = scenarios.size() * static_cast<size_t>(args.repeat);
  Progress progress(
      std::cout,
      console_style(isatty(STDOUT_FILENO), args.colour, getenv("CI"), getenv("NO_COLOR")), runs);
  SuiteHooks hooks;
  hooks.on_start = [&](const Scenario& s, int) { progress.started(s.id); };
  hooks.on_result = [&](const ScenarioResult& r) { progress.finished(r); };
  hooks.on_tick = [&] { progress.tick(); };
  auto t0 = std::chrono::steady_clock::now();
  SuiteOutcome o =
      run_suite(scenarios, profile, opt,
                {args.jobs, args.repeat, args.fail_fast, args.retries.value_or(profile.retries)},
                hooks);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  progress.done();
  info.signal = o.signal;
  info.not_run = o.not_run;
  clean_tmp_root(tmp_root, o.results);

  std::cout << failed_list(o.results) << passed_on_retry_list(o.results);
  if (args.repeat > 1) {
    std::string flaky = flaky_table(o.results);
    std::cout << (flaky.empty()
                      ? "No flaky scenario over " + std::to_string(args.repeat) + " repeats\n"
                      : flaky);
  }
  std::cout << slowest(o.results, args.durations);
  std::cout << summary_line(o.results, secs) << " (profile " << profile.name << ")";
  if (o.not_run) std::cout << "; " << o.not_run << " not run";
  if (o.signal) std::cout << "; interrupted by signal " << o.signal;
  std::cout << "\n" << std::flush;

  Json report = json_report(o.results, secs, info);
  save_last_report(report);
  bool wrote = true;
  if (!args.junit.empty())
    wrote = write_text(args.junit, junit_report(o.results, secs, info)) && wrote;
  if (!args.json.empty()) wrote = write_text(args.json, report.dump(2) + "\n") && wrote;
  return exit_status(o, runs, wrote, args);
}

}  // namespace launchcheck
