#include "bench_command.h"

#include <fnmatch.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bench_report.h"
#include "bench_run.h"
#include "common/subreaper.h"
#include "interrupt.h"
#include "profile.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

std::string utc_now() {
  char buf[32];
  time_t t = time(nullptr);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  return buf;
}

std::string machine() {
  utsname u{};
  uname(&u);
  // The load says how much the other users of a shared machine disturbed us.
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  char buf[64];
  snprintf(buf, sizeof buf, ", load average %.1f at start", load[0]);
  return std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs, " + u.sysname + " " + u.release +
         " " + u.machine + buf;
}

// First line of `launcher --version` when it succeeds (torchrun 1.13 has no
// --version: "").
std::string launcher_version(const Profile& p) {
  std::string exe = find_executable(p.command[0]);
  if (exe.empty()) return "";
  std::string cmd = "'" + exe + "' --version 2>/dev/null </dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return "";
  char buf[256] = {0};
  std::string line = fgets(buf, sizeof buf, f) ? buf : "";
  if (pclose(f) != 0) return "";
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "launchcheck: cannot write " << path << "\n";
    return false;
  }
  return true;
}

std::string brief(const BenchCase& c, const BenchResult& r) {
  if (r.status != "ok") return r.status + " (" + r.reason + ")";
  if (r.samples.empty()) return "no measured run";
  std::string out;
  for (auto& m : c.metrics) {
    SampleStats s = stats_of(r, m.name);
    char buf[96];
    snprintf(buf, sizeof buf, "%s%s %.3g %s", out.empty() ? "" : ", ", m.name.c_str(), s.median,
             m.unit.c_str());
    out += buf;
  }
  return out;
}

// The cases the --case globs select; false (after saying why) when a glob
// matches none.
bool select_cases(const BenchOptions& opt, std::vector<BenchCase>* out) {
  std::vector<BenchCase> all = bench_cases(opt.quick);
  for (auto& pattern : opt.cases) {
    bool any = false;
    for (auto& c : all) any = any || fnmatch(pattern.c_str(), c.name.c_str(), 0) == 0;
    if (!any) {
      std::string names;
      for (auto& c : all) names += (names.empty() ? "" : ", ") + c.name;
      std::cerr << "launchcheck: --case " << pattern << " matches no case (cases: " << names
                << ")\n";
      return false;
    }
  }
  for (auto& c : all) {
    bool keep = opt.cases.empty();
    for (auto& pattern : opt.cases) keep = keep || fnmatch(pattern.c_str(), c.name.c_str(), 0) == 0;
    if (keep) out->push_back(c);
  }
  return true;
}

BenchMeta make_meta(const BenchOptions& opt, const std::vector<Profile>& profiles) {
  BenchMeta meta;
  meta.date = utc_now();
  meta.machine = machine();
  meta.command = opt.command_line;
  meta.runs = opt.runs;
  meta.warmup = opt.warmup;
  for (auto& p : profiles) {
    meta.profiles.push_back(p.name);
    meta.versions[p.name] = launcher_version(p);
  }
  return meta;
}

// One case against every profile, A B A B ...: drifts in machine load hit
// every launcher alike. Sets *failed when a run went wrong.
BenchCaseResult run_case(const BenchCase& c, const std::vector<Profile>& profiles,
                         const BenchOptions& opt, const BenchEnv& env, bool* failed) {
  BenchCaseResult cr{c, {}};
  for (auto& p : profiles) {
    BenchResult r{p.name, "ok", bench_skip_reason(c, p), {}};
    if (!r.reason.empty()) r.status = "skip";
    cr.results.push_back(r);
  }
  int runs = c.max_runs > 0 ? std::min(opt.runs, c.max_runs) : opt.runs;
  int warmup = c.max_warmup >= 0 ? std::min(opt.warmup, c.max_warmup) : opt.warmup;
  for (int round = 0; round < warmup + runs && !interrupt_signal(); ++round) {
    for (size_t i = 0; i < profiles.size(); ++i) {
      BenchResult& r = cr.results[i];
      if (r.status != "ok") continue;
      BenchOutcome o = run_bench_case(c, profiles[i], env);
      if (!o.error.empty()) {
        r.status = "error";
        r.reason = "run " + std::to_string(round + 1) + ": " + o.error;
        r.samples.clear();
        *failed = true;
        continue;
      }
      if (round < warmup) continue;
      for (auto& [name, value] : o.metrics) r.samples[name].push_back(value);
    }
  }
  return cr;
}

}  // namespace

int cmd_bench(const BenchOptions& opt) {
  std::vector<Profile> profiles;
  try {
    for (auto& name : opt.profiles)
      profiles.push_back(load_profile(name, opt.profiles_dir, opt.build_dir));
  } catch (const std::exception& e) {
    std::cerr << "launchcheck: " << e.what() << "\n";
    return 2;
  }
  std::vector<BenchCase> cases;
  if (!select_cases(opt, &cases)) return 2;
  std::string worker = opt.build_dir + "/bin/lc_worker";
  if (access(worker.c_str(), X_OK) != 0) {
    std::cerr << "launchcheck: no worker fixture at " << worker
              << " (build first, or pass --build-dir)\n";
    return 2;
  }
  // Workers orphaned by a launcher come to us, so every run can reap them.
  common::become_subreaper();
  // Ctrl-C stops the run in progress, which cleans up after itself.
  install_interrupt_handlers();
  const char* t = getenv("TMPDIR");
  std::string templ = std::string(t && *t ? t : "/tmp") + "/launchcheck-bench-XXXXXX";
  if (!mkdtemp(templ.data())) {
    std::cerr << "launchcheck: cannot create a directory like " << templ << "\n";
    return 2;
  }
  BenchEnv env;
  env.build_dir = opt.build_dir;
  env.work_dir = templ;
  BenchMeta meta = make_meta(opt, profiles);

  bool failed = false;
  std::vector<BenchCaseResult> results;
  for (auto& c : cases) {
    BenchCaseResult cr = run_case(c, profiles, opt, env, &failed);
    for (auto& r : cr.results)
      std::cout << c.name << " [" << r.profile << "]: " << brief(c, r) << "\n" << std::flush;
    results.push_back(cr);
    if (interrupt_signal()) {
      std::cerr << "launchcheck: bench interrupted by signal " << interrupt_signal() << "\n";
      return 128 + interrupt_signal();
    }
  }
  std::error_code ec;
  fs::remove(templ, ec);  // only empty when no failed run kept its directory

  std::string table = bench_markdown(meta, results);
  std::cout << "\n" << table;
  bool wrote = true;
  if (!opt.json.empty())
    wrote = write_text(opt.json, bench_json(meta, results).dump(2) + "\n") && wrote;
  if (!opt.markdown.empty()) wrote = write_text(opt.markdown, table) && wrote;
  if (!opt.plot.empty()) wrote = write_text(opt.plot, bench_svg(results)) && wrote;
  return failed || !wrote ? 1 : 0;
}

}  // namespace launchcheck
