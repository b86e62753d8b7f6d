// launchcheck: runs conformance scenarios against a torchrun-compatible
// launcher and judges what really happened. Subcommands: run, matrix, list,
// validate, bench.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bench_command.h"
#include "report.h"
#include "suite.h"

namespace fs = std::filesystem;

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
// Everything was skipped: ctest's SKIP_RETURN_CODE, so skips never count as passes.
constexpr int kExitAllSkipped = 77;

std::string self_path() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("launchcheck") : p.string();
}

// build/bin/launchcheck -> build
std::string default_build_dir() {
  return fs::path(self_path()).parent_path().parent_path().string();
}

struct Common {
  std::vector<std::string> paths;
  std::string filter;
};

// Loads scenarios; prints one line per bad file. false when any was bad.
bool load(const Common& c, std::vector<Scenario>* out) {
  std::vector<std::string> errors;
  try {
    *out = load_scenarios(find_scenario_files(c.paths), &errors);
  } catch (const std::exception& e) {
    errors.push_back(e.what());
  }
  for (auto& e : errors) std::cerr << "launchcheck: " << e << "\n";
  std::vector<Scenario> kept;
  for (auto& s : *out)
    if (matches_filter(s, c.filter)) kept.push_back(s);
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

int cmd_run(const Common& c, const std::string& profile_arg, const std::string& profiles_dir,
            int jobs, int repeat, const std::string& junit, const std::string& json,
            const std::string& keep, const std::string& trace, const std::string& build_dir) {
  Profile profile;
  try {
    profile = load_profile(profile_arg, profiles_dir, build_dir);
  } catch (const std::exception& e) {
    std::cerr << "launchcheck: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::vector<Scenario> scenarios;
  if (!load(c, &scenarios)) return kExitBadInput;
  if (scenarios.empty()) {
    std::cerr << "launchcheck: no scenario matches"
              << (c.filter.empty() ? "" : " --filter " + c.filter) << "\n";
    return kExitBadInput;
  }
  RunOptions opt;
  std::string tmp_root;
  if (!make_run_options(build_dir, keep, trace, &opt, &tmp_root)) return kExitBadInput;
  auto t0 = std::chrono::steady_clock::now();
  auto results = run_suite(scenarios, profile, opt, jobs, repeat, [](const ScenarioResult& r) {
    std::cout << console_line(r) << "\n" << failure_details(r) << std::flush;
  });
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << summary_line(results, secs) << " (profile " << profile.name << ")\n";
  if (!tmp_root.empty()) {
    std::error_code ec;
    fs::remove(tmp_root, ec);  // only succeeds when no failure kept anything
  }
  bool wrote = true;
  if (!junit.empty())
    wrote = write_text(junit, junit_report(results, secs, "launchcheck." + profile.name)) && wrote;
  if (!json.empty()) wrote = write_text(json, json_report(results, secs).dump(2) + "\n") && wrote;
  bool ok = wrote;
  bool all_skipped = true;
  for (auto& r : results) {
    ok = ok && r.ok();
    all_skipped = all_skipped && r.status == "skip";
  }
  if (!ok) return kExitFailed;
  return all_skipped ? kExitAllSkipped : 0;
}

// Every scenario against every profile: a Markdown compatibility matrix.
int cmd_matrix(const Common& c, const std::vector<std::string>& profile_args,
               const std::string& profiles_dir, int jobs, const std::string& output,
               const std::string& keep, const std::string& build_dir) {
  std::vector<Profile> profiles;
  for (auto& p : profile_args) {
    try {
      profiles.push_back(load_profile(p, profiles_dir, build_dir));
    } catch (const std::exception& e) {
      std::cerr << "launchcheck: " << e.what() << "\n";
      return kExitBadInput;
    }
  }
  std::vector<Scenario> scenarios;
  if (!load(c, &scenarios)) return kExitBadInput;
  if (scenarios.empty()) {
    std::cerr << "launchcheck: no scenario matches\n";
    return kExitBadInput;
  }
  RunOptions opt;
  std::string tmp_root;
  if (!make_run_options(build_dir, keep, "", &opt, &tmp_root)) return kExitBadInput;
  std::vector<std::pair<std::string, std::vector<ScenarioResult>>> columns;
  for (auto& p : profiles) {
    auto t0 = std::chrono::steady_clock::now();
    // Progress goes to stderr so stdout is nothing but the Markdown.
    auto results = run_suite(scenarios, p, opt, jobs, 1, [&](const ScenarioResult& r) {
      std::cerr << console_line(r) << " [" << p.name << "]\n";
    });
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << summary_line(results, secs) << " (profile " << p.name << ")\n";
    columns.emplace_back(p.name, results);
  }
  if (!tmp_root.empty()) {
    std::error_code ec;
    fs::remove(tmp_root, ec);
  }
  std::vector<std::string> ids;
  for (auto& s : scenarios) ids.push_back(s.id);
  std::string md = matrix_markdown(ids, columns);
  if (output.empty()) {
    std::cout << md;
    return 0;
  }
  return write_text(output, md) ? 0 : kExitFailed;
}

int cmd_list(const Common& c) {
  std::vector<Scenario> scenarios;
  bool ok = load(c, &scenarios);
  for (auto& s : scenarios) {
    std::cout << s.id << "  tags: " << (s.tags.empty() ? "-" : join(s.tags, ","))
              << "  requires: " << (s.requires_caps.empty() ? "-" : join(s.requires_caps, ","));
    if (!s.description.empty()) std::cout << "  -- " << s.description;
    std::cout << "\n";
  }
  return ok ? 0 : kExitBadInput;
}

int cmd_validate(const Common& c) {
  std::vector<Scenario> scenarios;
  bool ok = load(c, &scenarios);
  std::cout << scenarios.size() << " scenario(s) valid" << (ok ? "" : "; errors above") << "\n";
  return ok ? 0 : kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"launchcheck: conformance scenarios for torchrun-compatible launchers"};
  app.require_subcommand(1);
  std::string build_dir = default_build_dir();
  std::string profiles_dir = LAUNCHCHECK_PROFILES_DIR;
  app.add_option("--build-dir", build_dir, "where bin/lc_worker and friends are ({build})");
  app.add_option("--profiles-dir", profiles_dir, "where profile NAMEs are looked up");

  Common common;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("paths", common.paths, "scenario files or folders")->required();
    sub->add_option("--filter", common.filter,
                    "only scenarios whose id (area/name) matches this glob");
  };

  CLI::App* run = app.add_subcommand("run", "run scenarios against a launcher profile");
  std::string profile = "refrun", junit, json, keep, trace;
  int jobs = 1, repeat = 1;
  run->add_option("--profile", profile, "profile NAME (harness/profiles/NAME.json) or FILE")
      ->capture_default_str();
  run->add_option("-j,--jobs", jobs, "scenarios at once")->check(CLI::Range(1, 256));
  run->add_option("--repeat", repeat, "run each scenario N times")->check(CLI::Range(1, 100000));
  run->add_option("--junit", junit, "write JUnit XML here");
  run->add_option("--json", json, "write a JSON report here");
  run->add_option("--keep-artifacts", keep,
                  "keep every run's directory under DIR (failed runs are always kept)");
  run->add_option("--trace", trace, "write a Chrome trace-event JSON per scenario into DIR");
  add_common(run);

  CLI::App* matrix =
      app.add_subcommand("matrix", "run every scenario against several profiles: Markdown matrix");
  std::vector<std::string> matrix_profiles;
  std::string matrix_out, matrix_keep;
  int matrix_jobs = 1;
  matrix->add_option("--profile", matrix_profiles, "profile NAME or FILE (repeat for each column)")
      ->required();
  matrix->add_option("-j,--jobs", matrix_jobs, "scenarios at once")->check(CLI::Range(1, 256));
  matrix->add_option("-o,--output", matrix_out, "write the Markdown here instead of stdout");
  matrix->add_option("--keep-artifacts", matrix_keep, "keep every run's directory under DIR");
  add_common(matrix);

  CLI::App* list = app.add_subcommand("list", "list scenarios: id, tags, requirements");
  add_common(list);
  CLI::App* validate = app.add_subcommand("validate", "parse and check scenarios without running");
  add_common(validate);

  CLI::App* bench =
      app.add_subcommand("bench", "time launchers against each other (BENCHMARKS.md)");
  BenchOptions bench_opt;
  bench
      ->add_option("--profile", bench_opt.profiles,
                   "profile NAME or FILE, repeatable; the first is the baseline")
      ->default_str("refrun torchrun-py311fix");
  bench->add_option("--case", bench_opt.cases,
                    "only cases whose name matches this glob, repeatable");
  bench->add_option("--runs", bench_opt.runs, "measured runs per case and launcher")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  bench->add_option("--warmup", bench_opt.warmup, "unmeasured runs first")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  bench->add_option("--json", bench_opt.json, "write the JSON report here");
  bench->add_option("--markdown", bench_opt.markdown, "write the Markdown table here");
  bench->add_option("--plot", bench_opt.plot,
                    "write an SVG of latency vs workers and vs agents here");
  bench->add_flag("--quick", bench_opt.quick, "tiny sizes, for smoke tests");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "launchcheck: " << e.what() << "\n";
    return kExitBadInput;
  }
  try {
    if (*run)
      return cmd_run(common, profile, profiles_dir, jobs, repeat, junit, json, keep, trace,
                     build_dir);
    if (*matrix)
      return cmd_matrix(common, matrix_profiles, profiles_dir, matrix_jobs, matrix_out, matrix_keep,
                        build_dir);
    if (*list) return cmd_list(common);
    if (*validate) return cmd_validate(common);
    if (*bench) {
      if (bench_opt.profiles.empty()) bench_opt.profiles = {"refrun", "torchrun-py311fix"};
      bench_opt.build_dir = build_dir;
      bench_opt.profiles_dir = profiles_dir;
      for (int i = 0; i < argc; ++i)
        bench_opt.command_line += (i ? " " : "") + std::string(argv[i]);
      return cmd_bench(bench_opt);
    }
  } catch (const std::exception& e) {
    std::cerr << "launchcheck: " << e.what() << "\n";
    return kExitBadInput;
  }
  return kExitBadInput;
}
