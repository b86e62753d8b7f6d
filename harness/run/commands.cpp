#include "commands.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "agent_command.h"
#include "command_support.h"
#include "console_report.h"
#include "matrix.h"
#include "suite.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

bool load_selection(const ScenarioSelection& sel, std::vector<Scenario>* out) {
  std::vector<std::string> errors;
  try {
    *out = load_scenarios(find_scenario_files(sel.paths), &errors);
  } catch (const std::exception& e) {
    errors.push_back(e.what());
  }
  for (auto& e : errors) std::cerr << "launchcheck: " << e << "\n";
  std::vector<Scenario> kept;
  for (auto& s : *out)
    if (is_selected(s, sel)) kept.push_back(s);
  *out = kept;
  return errors.empty();
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

void clean_tmp_root(const std::string& tmp_root, const std::vector<ScenarioResult>& results) {
  if (tmp_root.empty()) return;
  std::set<std::string> kept;
  auto keep = [&](const ScenarioResult& r) {
    if (!r.artifacts.empty()) kept.insert(fs::path(r.artifacts).lexically_normal().string());
  };
  for (auto& r : results) {
    keep(r);
    for (auto& t : r.earlier_tries) keep(t);
  }
  std::error_code ec;
  for (auto& e : fs::directory_iterator(tmp_root, ec))
    if (!kept.count(e.path().lexically_normal().string())) fs::remove_all(e.path(), ec);
  fs::remove(tmp_root, ec);  // only succeeds when no failure kept anything
}

// A profile whose launcher is missing is bad input, not a reason to skip
// everything (a run that skips all is too easily read as green).
bool load_profile_or_say(const std::string& name, const Locations& where, Profile* out) {
  if (std::string bad = redact_pattern_error(); !bad.empty()) {
    std::cerr << "launchcheck: " << bad << "\n";
    return false;
  }
  try {
    *out = load_profile(name, where.profiles_dir, where.build_dir);
    if (find_executable(out->command[0]).empty()) {
      std::cerr << "launchcheck: " << out->file << ": /command/0: launcher command \""
                << out->command[0] << "\" not found (no such executable"
                << (out->command[0].find('/') == std::string::npos ? " on PATH" : "") << ")\n";
      return false;
    }
    return true;
  } catch (const std::exception& e) {
    std::cerr << "launchcheck: " << e.what() << "\n";
    return false;
  }
}

std::string self_path() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("launchcheck") : p.string();
}

int cmd_matrix(const ScenarioSelection& sel, const MatrixArgs& args, const Locations& where) {
  std::vector<Profile> profiles(args.profiles.size());
  for (size_t i = 0; i < args.profiles.size(); ++i)
    if (!load_profile_or_say(args.profiles[i], where, &profiles[i])) return kExitBadInput;
  std::vector<Scenario> scenarios;
  if (!load_selection(sel, &scenarios)) return kExitBadInput;
  if (scenarios.empty()) {
    std::cerr << "launchcheck: no scenario matches\n";
    return kExitBadInput;
  }
  RunOptions opt;
  std::string tmp_root;
  if (!make_run_options(where.build_dir, args.keep_artifacts, "", &opt, &tmp_root))
    return kExitBadInput;
  opt.profiles_dir = where.profiles_dir;
  std::vector<std::pair<std::string, std::vector<ScenarioResult>>> columns;
  std::vector<std::string> missed;  // profiles that missed their expectations
  int signal = 0;
  for (auto& p : profiles) {
    auto t0 = std::chrono::steady_clock::now();
    SuiteHooks hooks;
    // Progress goes to stderr so stdout is nothing but the Markdown.
    hooks.on_result = [&](const ScenarioResult& r) {
      std::cerr << console_line(r) << " [" << p.name << "]\n";
    };
    auto outcome =
        run_suite(scenarios, p, opt, {args.jobs, 1, false, args.retries.value_or(p.retries)}, hooks);
    std::cerr << summary_line(outcome.results, seconds_since(t0)) << " (profile " << p.name
              << ")\n";
    for (auto& r : outcome.results)
      if (!r.ok()) {
        missed.push_back(p.name);
        break;
      }
    columns.emplace_back(p.name, outcome.results);
    if ((signal = outcome.signal)) break;
  }
  std::vector<ScenarioResult> all;
  for (auto& [name, results] : columns) all.insert(all.end(), results.begin(), results.end());
  clean_tmp_root(tmp_root, all);
  std::vector<std::string> ids;
  for (auto& s : scenarios) ids.push_back(s.id);
  std::string md = matrix_markdown(ids, columns);
  bool wrote = true;
  if (args.output.empty())
    std::cout << md;
  else
    wrote = write_text(args.output, md);
  if (signal) return kExitSignalBase + signal;
  if (!missed.empty())
    std::cerr << "launchcheck: missed its expectations: " << join(missed, ", ") << "\n";
  return missed.empty() && wrote ? 0 : kExitFailed;
}

int cmd_list(const ScenarioSelection& sel) {
  std::vector<Scenario> scenarios;
  bool ok = load_selection(sel, &scenarios);
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
  bool ok = load_selection(sel, &scenarios);
  // Nothing to validate is a mistake (a wrong folder), not a success.
  if (ok && scenarios.empty()) {
    std::cerr << "launchcheck: no scenario found in " << join(sel.paths, ", ")
              << " matching the --filter, --exclude and tags given\n";
    return kExitBadInput;
  }
  std::cout << scenarios.size() << " scenario(s) valid" << (ok ? "" : "; errors above") << "\n";
  return ok ? 0 : kExitBadInput;
}

}  // namespace launchcheck
