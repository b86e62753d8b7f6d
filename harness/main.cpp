// launchcheck: runs conformance scenarios against a torchrun-compatible
// launcher and judges what really happened. Subcommands: run, matrix, list,
// validate (run/commands.h), bench (bench/bench_command.h). This file only
// reads the command line.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <iostream>

#include "bench_command.h"
#include "commands.h"

using namespace launchcheck;

namespace {

// Exit statuses, in the --help of every subcommand.
const char* kRunExits =
    "Exit status:\n"
    "  0    every result as expected (pass, or xfail in exactly its named checks)\n"
    "  1    a failure, xpass or error; or, for several scenarios, every one skipped\n"
    "       (unless --allow-all-skipped)\n"
    "  2    bad input: options, scenario or profile files, a launcher command not found\n"
    "  77   everything skipped: one scenario (ctest's SKIP_RETURN_CODE), or\n"
    "       --allow-all-skipped\n"
    "  128+N  stopped by signal N (130: Ctrl-C); the summary and reports cover what finished";
const char* kMatrixExits =
    "Exit status:\n"
    "  0    every profile met its expectations\n"
    "  1    a profile missed its expectations (a fail, xpass or error in its column)\n"
    "  2    bad input: options, scenario or profile files, a launcher command not found\n"
    "  128+N  stopped by signal N (130: Ctrl-C)";
const char* kReadExits =
    "Exit status:\n"
    "  0    every scenario file is valid\n"
    "  2    bad input: a file that does not parse or validate (one line each, on stderr)";
const char* kBenchExits =
    "Exit status:\n"
    "  0    every run measured\n"
    "  1    a run failed, or a report could not be written\n"
    "  2    bad input: options, profiles, the build's fixtures\n"
    "  128+N  stopped by signal N (130: Ctrl-C)";

void add_selection(CLI::App* sub, ScenarioSelection& sel) {
  sub->add_option("paths", sel.paths, "scenario files or folders")->required();
  sub->add_option("--filter", sel.filters,
                  "only scenarios whose id (area/name) or name matches this glob; repeatable "
                  "(any may match)");
  sub->add_option("--exclude", sel.excludes, "leave out scenarios matching this glob; repeatable");
  sub->add_option("--tag", sel.tags, "only scenarios with this tag; repeatable (any may match)");
  sub->add_option("--not-tag", sel.not_tags, "leave out scenarios with this tag; repeatable");
}

void add_run(CLI::App* run, RunArgs& a) {
  run->add_option("--profile", a.profile, "profile NAME (harness/profiles/NAME.json) or FILE")
      ->capture_default_str();
  run->add_option("-j,--jobs", a.jobs, "scenarios at once")->check(CLI::Range(1, 256));
  run->add_option("--repeat", a.repeat, "run each scenario N times; a table lists the flaky ones")
      ->check(CLI::Range(1, 100000));
  run->add_option("--junit", a.junit, "write JUnit XML here");
  run->add_option("--json", a.json, "write a JSON report here (format 1, harness/README.md)");
  run->add_option("--keep-artifacts", a.keep_artifacts,
                  "keep every run's directory under DIR (failed runs are always kept)");
  run->add_option("--trace", a.trace, "write a Chrome trace-event JSON per scenario into DIR");
  run->add_flag("--allow-all-skipped", a.allow_all_skipped,
                "accept a run of several scenarios in which every one was skipped (exit 77)");
  run->add_flag("--rerun-failed", a.rerun_failed,
                "only the scenarios that failed in the last run "
                "($XDG_CACHE_HOME/launchcheck/last-run.json)");
  run->add_flag("--shuffle", a.shuffle, "run in a random order (the seed is printed)");
  run->add_option_function<uint64_t>(
      "--seed", [&a](const uint64_t& v) { a.seed = v; },
      "shuffle with this seed (implies --shuffle)");
  run->add_option_function<int>(
         "--retries", [&a](const int& v) { a.retries = v; },
         "run a failing scenario again up to N times (default: the profile's \"retries\"); "
         "a pass after a failure is reported as one")
      ->check(CLI::Range(0, 5));
  run->add_flag("-x,--fail-fast", a.fail_fast, "start nothing new after the first failure");
  run->add_option("--timeout-scale", a.timeout_scale,
                  "multiply every scenario's timeout_s by F (slow machines)")
      ->check(CLI::Range(0.01, 1000.0));
  run->add_option("--durations", a.durations, "list the N slowest scenarios at the end");
  run->add_option("--color", a.colour, "auto (a terminal without NO_COLOR), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  run->footer(kRunExits);
}

void add_matrix(CLI::App* matrix, MatrixArgs& a) {
  matrix->add_option("--profile", a.profiles, "profile NAME or FILE (repeat for each column)")
      ->required();
  matrix->add_option("-j,--jobs", a.jobs, "scenarios at once")->check(CLI::Range(1, 256));
  matrix
      ->add_option_function<int>(
          "--retries", [&a](const int& v) { a.retries = v; },
          "run a failing scenario again up to N times (default: each profile's \"retries\")")
      ->check(CLI::Range(0, 5));
  matrix->add_option("-o,--output", a.output, "write the Markdown here instead of stdout");
  matrix->add_option("--keep-artifacts", a.keep_artifacts, "keep every run's directory under DIR");
  matrix->footer(kMatrixExits);
}

void add_bench(CLI::App* bench, BenchOptions& b) {
  bench
      ->add_option("--profile", b.profiles,
                   "profile NAME or FILE, repeatable; the first is the baseline")
      ->default_str("refrun torchrun-py311fix");
  bench->add_option("--case", b.cases, "only cases whose name matches this glob, repeatable");
  bench->add_option("--runs", b.runs, "measured runs per case and launcher")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  bench->add_option("--warmup", b.warmup, "unmeasured runs first")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  bench->add_option("--json", b.json, "write the JSON report here");
  bench->add_option("--markdown", b.markdown, "write the Markdown table here");
  bench->add_option("--plot", b.plot, "write an SVG of latency vs workers and vs agents here");
  bench->add_flag("--quick", b.quick, "tiny sizes, for smoke tests");
  bench->footer(kBenchExits);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"launchcheck: conformance scenarios for torchrun-compatible launchers"};
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 all as expected, 1 failures, 2 bad input, 77 all skipped, 128+N a "
      "signal; each subcommand's --help says more.");
  app.set_version_flag("--version", std::string("launchcheck ") + LAUNCHCHECK_VERSION);
  // Everything is found from where this binary is, built or installed:
  // PREFIX/bin/launchcheck, PREFIX/bin/{refrun,lc_worker*} ({build} = PREFIX),
  // PREFIX/share/launchcheck/{profiles,scenarios} (in a build tree, links
  // to the sources). No source path is compiled in, so a copied or moved
  // installation works.
  std::string prefix = std::filesystem::path(self_path()).parent_path().parent_path().string();
  Locations where{prefix, prefix + "/share/launchcheck/profiles"};
  app.add_option("--build-dir", where.build_dir, "where bin/lc_worker and friends are ({build})");
  app.add_option("--profiles-dir", where.profiles_dir, "where profile NAMEs are looked up");

  ScenarioSelection sel;
  RunArgs run_args;
  MatrixArgs matrix_args;
  BenchOptions bench_opt;
  CLI::App* run = app.add_subcommand("run", "run scenarios against a launcher profile");
  add_run(run, run_args);
  add_selection(run, sel);
  CLI::App* matrix =
      app.add_subcommand("matrix", "run every scenario against several profiles: Markdown matrix");
  add_matrix(matrix, matrix_args);
  add_selection(matrix, sel);
  CLI::App* list = app.add_subcommand("list", "list scenarios: id, tags, requirements");
  add_selection(list, sel);
  list->footer(kReadExits);
  CLI::App* validate = app.add_subcommand("validate", "parse and check scenarios without running");
  add_selection(validate, sel);
  validate->footer(kReadExits);
  CLI::App* bench =
      app.add_subcommand("bench", "time launchers against each other (BENCHMARKS.md)");
  add_bench(bench, bench_opt);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "launchcheck: " << e.what() << "\n";
    return kExitBadInput;
  }
  try {
    if (*run) return cmd_run(sel, run_args, where);
    if (*matrix) return cmd_matrix(sel, matrix_args, where);
    if (*list) return cmd_list(sel);
    if (*validate) return cmd_validate(sel);
    if (*bench) {
      if (bench_opt.profiles.empty()) bench_opt.profiles = {"refrun", "torchrun-py311fix"};
      bench_opt.build_dir = where.build_dir;
      bench_opt.profiles_dir = where.profiles_dir;
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
