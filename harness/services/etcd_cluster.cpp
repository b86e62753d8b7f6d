#include "etcd_cluster.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/environment.h"
#include "common/random.h"
#include "common/spawn.h"
#include "http_probe.h"
#include "profile.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

std::string url(int port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

}  // namespace

std::string etcd_missing_reason() {
  if (!find_executable("etcd").empty()) return "";
  return "needs the etcd service, and etcd is not installed on this machine "
         "(scripts/install-deps.sh installs etcd-server)";
}

EtcdCluster::EtcdCluster(std::vector<int> client_ports, std::vector<int> peer_ports,
                         std::string data_dir, std::string log_dir)
    : token_("lc-" + common::random_hex(12)) {
  for (size_t i = 0; i < client_ports.size(); ++i) {
    Member m;
    m.name = "m" + std::to_string(i);
    m.client_port = client_ports[i];
    m.peer_port = peer_ports[i];
    m.data = data_dir + "/" + m.name;
    m.log = log_dir + "/etcd-" + m.name + ".log";
    members_.push_back(m);
  }
}

EtcdCluster::~EtcdCluster() {
  stop();
}

std::string EtcdCluster::endpoint(size_t i) const {
  return "127.0.0.1:" + std::to_string(members_[i].client_port);
}

std::string EtcdCluster::spawn(Member& m, const OnSpawn& on_spawn) {
  std::string cluster;
  for (auto& o : members_)
    cluster += (cluster.empty() ? "" : ",") + o.name + "=" + url(o.peer_port, "");
  std::vector<std::string> argv = {
      "etcd",
      "--name", m.name,
      "--data-dir", m.data,
      "--enable-v2=true",
      "--listen-client-urls", url(m.client_port, ""),
      "--advertise-client-urls", url(m.client_port, ""),
      "--listen-peer-urls", url(m.peer_port, ""),
      "--initial-advertise-peer-urls", url(m.peer_port, ""),
      "--initial-cluster", cluster,
      "--initial-cluster-state", "new",
      // One token per cluster, the same for every member (a token per
      // member never forms a cluster: "request cluster ID mismatch").
      "--initial-cluster-token", token_,
      "--logger=zap", "--log-outputs=stderr"};
  // A lone member never holds an election after its first, so it can use
  // fast timings (ready in ~0.2 s); a real cluster keeps etcd's defaults,
  // which a loaded machine does not trip into spurious elections.
  if (members_.size() == 1) {
    argv.push_back("--heartbeat-interval=10");
    argv.push_back("--election-timeout=100");
  }
  int log = open(m.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return "cannot open " + m.log + ": " + strerror(errno);
  common::SpawnOptions opt;
  opt.program = find_executable("etcd");
  opt.argv = argv;
  opt.stdout_fd = log;
  opt.stderr_fd = log;
  std::optional<common::Process> child;
  std::string error;
  try {
    child.emplace(common::spawn(opt));
    error = common::describe_exec_error(opt, *child);
  } catch (const std::exception& e) {
    error = e.what();
  }
  close(log);
  if (!child) return "cannot start etcd: " + error;
  // Managed by pid from here (signals, restart, reap); the pidfd closes.
  m.pid = child->pid();
  m.stopped = false;
  if (on_spawn) on_spawn(m.pid);
  if (!error.empty()) return "cannot start etcd: " + error;
  return "";
}

bool EtcdCluster::healthy(const Member& m, int timeout_ms) const {
  HttpProbe p = http_probe("GET", url(m.client_port, "/health"), "", "", timeout_ms);
  return p.status == 200 && p.body.find("\"health\":\"true\"") != std::string::npos;
}

std::string EtcdCluster::start(double timeout_s, const OnSpawn& on_spawn) {
  for (auto& m : members_) {
    fs::create_directories(fs::path(m.data).parent_path());
    std::string why = spawn(m, on_spawn);
    if (!why.empty()) return "member " + m.name + ": " + why;
  }
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  std::vector<bool> ready(members_.size(), false);
  for (;;) {
    bool all = true;
    for (size_t i = 0; i < members_.size(); ++i) {
      if (!ready[i]) ready[i] = healthy(members_[i], 500);
      if (!ready[i] && !alive(members_[i]))
        return "member " + members_[i].name + " exited while starting (log: " + members_[i].log + ")";
      all = all && ready[i];
    }
    if (all) return "";
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::string slow;
  for (size_t i = 0; i < members_.size(); ++i)
    if (!ready[i]) slow += (slow.empty() ? "" : ", ") + members_[i].name;
  return "not healthy within " + std::to_string(static_cast<int>(timeout_s)) + " s: " + slow +
         " (logs in " + fs::path(members_[0].log).parent_path().string() + ")";
}

bool EtcdCluster::alive(Member& m) {
  if (m.pid <= 0) return false;
  int status = 0;
  pid_t r = waitpid(m.pid, &status, WNOHANG);
  if (r == m.pid || (r < 0 && errno == ECHILD)) {
    m.pid = -1;
    return false;
  }
  return true;
}

std::optional<size_t> EtcdCluster::leader(std::string& why) const {
  for (size_t i = 0; i < members_.size(); ++i) {
    const Member& m = members_[i];
    if (m.pid <= 0 || m.stopped) continue;
    // Without quorum the answer has "errors": ["etcdserver: no leader"] and
    // no "leader"; /v2/stats/self would wrongly call a lone candidate leader.
    HttpProbe p = http_probe("POST", url(m.client_port, "/v3/maintenance/status"), "{}",
                             "application/json", 1000);
    auto j = nlohmann::json::parse(p.body, nullptr, false);
    if (p.status != 200 || !j.is_object() || !j.contains("leader") || !j.contains("header")) continue;
    auto id = j["header"].value("member_id", std::string());
    if (!id.empty() && j["leader"].is_string() && id == j["leader"].get<std::string>()) return i;
  }
  why = "no live etcd member says it leads (no quorum?)";
  return std::nullopt;
}

std::optional<size_t> EtcdCluster::pick(const std::string& member, std::string& why) {
  for (auto& m : members_) alive(m);
  if (member == "leader") return leader(why);
  if (member == "follower") {
    auto lead = leader(why);
    if (!lead) return std::nullopt;
    for (size_t i = 0; i < members_.size(); ++i)
      if (i != *lead && members_[i].pid > 0 && !members_[i].stopped) return i;
    why = "no live etcd member besides the leader";
    return std::nullopt;
  }
  size_t i = static_cast<size_t>(std::stoi(member));
  if (i >= members_.size()) {
    why = "no etcd member " + member;
    return std::nullopt;
  }
  return i;
}

std::string EtcdCluster::signal(const std::string& member, int signo) {
  std::string why;
  auto i = pick(member, why);
  if (!i) return why;
  Member& m = members_[*i];
  if (m.pid <= 0) return "etcd member " + m.name + " is not running";
  kill(m.pid, signo);
  if (signo == SIGSTOP) m.stopped = true;
  if (signo == SIGCONT) m.stopped = false;
  if (signo == SIGKILL) {
    waitpid(m.pid, nullptr, 0);  // SIGKILL cannot be refused: this returns
    m.pid = -1;
  }
  return "";
}

std::string EtcdCluster::restart(const std::string& member, const OnSpawn& on_spawn) {
  std::string why;
  auto i = pick(member, why);
  if (!i) return why;
  Member& m = members_[*i];
  if (m.pid > 0) {
    kill(m.pid, SIGKILL);
    waitpid(m.pid, nullptr, 0);
    m.pid = -1;
  }
  return spawn(m, on_spawn);
}

void EtcdCluster::stop() {
  if (stopped_all_) return;
  stopped_all_ = true;
  for (auto& m : members_) {
    if (m.pid > 0) {
      kill(-m.pid, SIGKILL);
      kill(m.pid, SIGKILL);
      waitpid(m.pid, nullptr, 0);
      m.pid = -1;
    }
    std::error_code ec;
    fs::remove_all(m.data, ec);
  }
}

}  // namespace launchcheck
