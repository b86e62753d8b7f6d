#include "job.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "agent_command.h"
#include "common/environment.h"
#include "common/random.h"
#include "executor.h"
#include "registry.h"
#include "trace.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// The run's values of the placeholders; ports are picked as they are named.
Placeholders run_placeholders(const Scenario& s, const Profile& p, const RunOptions& opt,
                              const std::string& tmp,
                              const std::map<std::string, std::string>& env) {
  Placeholders ph({{"tmp", tmp},
                   {"rdzv_id", "lc" + common::random_hex(12)},
                   {"fixture", opt.build_dir + "/bin/lc_worker"},
                   {"python_fixture", opt.build_dir + "/bin/lc_worker.py"},
                   {"shell_fixture", opt.build_dir + "/bin/lc_worker.sh"},
                   {"scenario_dir", fs::absolute(s.dir).lexically_normal().string()},
                   {"build", opt.build_dir},
                   {"cpus", std::to_string(sysconf(_SC_NPROCESSORS_ONLN))}});
  // {env:NAME}: the agent's environment before the node's own changes.
  for (auto& [k, v] : env) ph.set("env:" + k, v);
  for (auto& [k, v] : p.env) ph.set("env:" + k, v);
  return ph;
}

std::string reproduce_self(const Scenario& s, const Profile& p, const RunOptions& opt) {
  std::string self = opt.self.empty() ? "launchcheck" : opt.self;
  // build/bin/launchcheck finds build/ by itself; say so only when it differs.
  if (!opt.self.empty() &&
      fs::path(opt.self).parent_path().parent_path() != fs::path(opt.build_dir))
    self += " --build-dir " + shell_quote(opt.build_dir);
  return self + " run --profile " + shell_quote(p.file) + " " +
         shell_quote(fs::absolute(s.file).lexically_normal().string());
}

// The verdict from the failures and the profile's expectations.
void decide(ScenarioResult& r, const Profile& p, const RunRecord& record) {
  if (!record.setup_error.empty()) {
    r.status = Status::kError;
    r.reason = record.setup_error;
    return;
  }
  auto xfail = p.xfail_reason(r.id);
  if (r.failures.empty()) {
    r.status = xfail ? Status::kXpass : Status::kPass;
    if (xfail)
      r.reason = "expected to fail (" + *xfail + ") but passed: update the expectations file";
  } else {
    r.status = xfail ? Status::kXfail : Status::kFail;
    if (xfail) r.reason = *xfail;
  }
}

}  // namespace

std::string skip_reason(const Scenario& s, const Profile& p) {
  for (auto& cap : s.requires_caps)
    if (!p.has_capability(cap)) return "profile " + p.name + " lacks capability \"" + cap + "\"";
  if (find_executable(p.command[0]).empty())
    return "launcher \"" + p.command[0] + "\" is not installed";
  return "";
}

// The job's steps in order. One function because the run directory's
// lifetime (made, then kept or removed) spans all of them.
ScenarioResult run_scenario(const Scenario& s, const Profile& p, const RunOptions& opt) {
  auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  ScenarioResult r;
  r.id = s.id;
  r.file = s.file;
  r.profile = p.name;
  r.reproduce.push_back(reproduce_self(s, p, opt));
  std::string why = skip_reason(s, p);
  if (!why.empty()) {
    r.status = Status::kSkip;
    r.reason = why;
    return r;
  }

  std::string safe_id = s.id;
  for (auto& c : safe_id)
    if (c == '/') c = '.';
  fs::create_directories(opt.artifacts_dir);
  std::string templ = opt.artifacts_dir + "/" + safe_id + "-XXXXXX";
  if (!mkdtemp(templ.data())) {
    r.status = Status::kError;
    r.reason = "cannot create a run directory in " + opt.artifacts_dir + ": " + strerror(errno);
    return r;
  }
  std::string run_dir = templ;
  std::string tmp = run_dir + "/tmp", events = run_dir + "/events.jsonl";
  fs::create_directories(tmp);
  write_file(events, "");

  AgentContext ctx{common::current_environment(), events, opt.build_dir};
  ResolvedScenario resolved;
  std::vector<AgentCommand> commands;
  try {
    Placeholders ph = run_placeholders(s, p, opt, tmp, ctx.base_env);
    resolved = resolve_scenario(s, ph, read_expect);
    for (auto& n : resolved.nodes) commands.push_back(render_agent_command(n, p, ctx));
  } catch (const std::exception& e) {
    r.status = Status::kError;
    r.reason = e.what();
    r.seconds = elapsed();
    std::error_code ec;
    fs::remove_all(run_dir, ec);
    return r;
  }
  for (auto& c : commands) r.reproduce.push_back(reproduce_line(tmp, c));
  RunRecord record = Executor(resolved, commands, {tmp, events, opt.orphan_grace_s}).run();

  try {
    r.failures = judge(resolved, record);
  } catch (const std::exception& e) {
    r.failures.push_back({"checks", "checks that can be evaluated", e.what()});
  }
  for (auto& a : record.agents) {
    write_file(run_dir + "/" + a.node + ".stdout", a.out);
    write_file(run_dir + "/" + a.node + ".stderr", a.err);
  }
  if (!opt.trace_dir.empty()) {
    fs::create_directories(opt.trace_dir);
    write_file(opt.trace_dir + "/" + safe_id + ".trace.json", build_trace(s.id, record).dump());
  }
  decide(r, p, record);
  r.seconds = elapsed();
  if (record.end_ns > record.start_ns)
    r.launcher_seconds = (record.end_ns - record.start_ns) / 1e9;
  // Keep what someone must look at; a known failure is already explained.
  if ((r.status == Status::kPass || r.status == Status::kXfail) && !opt.keep_artifacts) {
    std::error_code ec;
    fs::remove_all(run_dir, ec);
  } else {
    r.artifacts = run_dir;
  }
  return r;
}

}  // namespace launchcheck
