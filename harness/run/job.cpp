#include "job.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <memory>

#include "agent_command.h"
#include "common/environment.h"
#include "common/random.h"
#include "etcd_cluster.h"
#include "executor.h"
#include "host_probe.h"
#include "netns_placement.h"
#include "registry.h"
#include "trace.h"
#include "verdict.h"

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
                              const std::map<std::string, std::string>& env,
                              const Placement* hosts) {
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
  if (hosts)
    for (auto& h : hosts->hosts()) {
      ph.set("host:" + h.name, h.name);
      ph.set("addr:" + h.name, h.addr);
    }
  return ph;
}

// The etcd service's ports, picked with the run's other ports (never the
// same twice), and its placeholders: {etcd}, {etcd:N}, {etcd_endpoints}.
std::unique_ptr<EtcdCluster> etcd_service(const Scenario& s, Placeholders& ph,
                                          const std::string& tmp, const std::string& run_dir) {
  if (s.services.etcd_members == 0) return nullptr;
  std::vector<int> client, peer;
  std::string all;
  for (int i = 0; i < s.services.etcd_members; ++i) {
    // '.' cannot appear in {port:NAME}: these never meet a scenario's names.
    client.push_back(ph.port("etcd.client." + std::to_string(i)));
    peer.push_back(ph.port("etcd.peer." + std::to_string(i)));
    std::string ep = "127.0.0.1:" + std::to_string(client.back());
    ph.set("etcd:" + std::to_string(i), ep);
    all += (all.empty() ? "" : ",") + ep;
  }
  ph.set("etcd", "127.0.0.1:" + std::to_string(client[0]));
  ph.set("etcd_endpoints", all);
  return std::make_unique<EtcdCluster>(client, peer, tmp + "/etcd", run_dir);
}

// The profile each node runs on: its own when it names one, else the run's.
std::vector<Profile> node_profiles(const Scenario& s, const Profile& p, const RunOptions& opt) {
  std::vector<Profile> out;
  for (auto& n : s.nodes)
    out.push_back(n.profile.empty() ? p : load_profile(n.profile, opt.profiles_dir, opt.build_dir));
  return out;
}

std::string reproduce_self(const Scenario& s, const Profile& p, const RunOptions& opt) {
  std::string self = opt.self.empty() ? "launchcheck" : opt.self;
  // build/bin/launchcheck finds build/ by itself; say so only when it differs.
  if (!opt.self.empty() &&
      fs::path(opt.self).parent_path().parent_path() != fs::path(opt.build_dir))
    self += " --build-dir " + shell_quote(opt.build_dir);
  self += " run";
  if (opt.timeout_scale != 1) {
    std::ostringstream scale;
    scale << opt.timeout_scale;
    self += " --timeout-scale " + scale.str();
  }
  return self + " --profile " + shell_quote(p.file) + " " +
         shell_quote(fs::absolute(s.file).lexically_normal().string());
}

// The verdict from the failures and the profile's expectations.
void decide(ScenarioResult& r, const Profile& p, const RunRecord& record) {
  if (!record.setup_error.empty()) {
    r.status = Status::kError;
    r.reason = record.setup_error;
    return;
  }
  Verdict v = decide_verdict(r.failures, p.xfail_for(r.id));
  r.status = v.status;
  r.reason = v.reason;
}

}  // namespace

std::string skip_reason(const Scenario& s, const Profile& p, const RunOptions& opt) {
  for (auto& cap : s.requires_caps)
    if (!p.has_capability(cap)) return "profile " + p.name + " lacks capability \"" + cap + "\"";
  // Machine capabilities, not the launcher's.
  if (!s.hosts.empty()) {
    std::string why = hosts_unavailable_reason();
    if (!why.empty()) return why;
  }
  if (s.services.etcd_members > 0) {
    std::string why = etcd_missing_reason();
    if (!why.empty()) return why;
  }
  for (auto& n : s.nodes) {
    if (n.profile.empty()) continue;
    try {
      Profile own = load_profile(n.profile, opt.profiles_dir, opt.build_dir);
      if (find_executable(own.command[0]).empty())
        return "node " + n.name + "'s launcher \"" + own.command[0] + "\" (profile " + own.name +
               ") is not installed";
    } catch (const std::exception&) {
      return "";  // the run reports the bad profile as its error
    }
  }
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
  std::string why = skip_reason(s, p, opt);
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

  AgentContext ctx{common::current_environment(), events, opt.build_dir, scenario_env_names(s)};
  // The hosts are made by the executor, after its guard exists (a forked
  // guard would inherit their descriptors); names and addresses are known now.
  std::unique_ptr<Placement> hosts;
  if (!s.hosts.empty()) hosts = std::make_unique<NetnsPlacement>(s.hosts, run_dir, getpid());
  ResolvedScenario resolved;
  std::vector<AgentCommand> commands;
  std::unique_ptr<EtcdCluster> etcd;
  try {
    Placeholders ph = run_placeholders(s, p, opt, tmp, ctx.base_env, hosts.get());
    etcd = etcd_service(s, ph, tmp, run_dir);
    resolved = resolve_scenario(s, ph, read_expect);
    resolved.timeout_s *= opt.timeout_scale;  // slow machines, sanitizer builds
    resolved.agent = p.agent;
    std::vector<Profile> profiles = node_profiles(s, p, opt);
    for (size_t i = 0; i < resolved.nodes.size(); ++i)
      commands.push_back(render_agent_command(resolved.nodes[i], profiles[i], ctx));
  } catch (const std::exception& e) {
    r.status = Status::kError;
    r.reason = e.what();
    r.seconds = elapsed();
    std::error_code ec;
    fs::remove_all(run_dir, ec);
    return r;
  }
  for (auto& c : commands) r.reproduce.push_back(reproduce_line(tmp, c));
  ExecutorSetup setup{tmp, events, opt.orphan_grace_s};
  setup.etcd = etcd.get();
  setup.hosts = hosts.get();
  RunRecord record = Executor(resolved, commands, setup).run();
  etcd.reset();
  hosts.reset();  // every process of the run is gone: the namespaces go with the descriptors

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
    write_file(opt.trace_dir + "/" + safe_id + ".trace.json",
               build_trace(s.id, record).dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  decide(r, p, record);
  r.seconds = elapsed();
  if (record.end_ns > record.start_ns) r.launcher_seconds = (record.end_ns - record.start_ns) / 1e9;
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
