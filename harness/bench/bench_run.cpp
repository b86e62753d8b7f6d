#include "bench_run.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "bench_measure.h"
#include "bench_proc.h"
#include "bench_store.h"
#include "common/clock.h"
#include "common/environment.h"
#include "common/event_loop.h"
#include "common/free_port.h"
#include "common/interrupt.h"
#include "common/process_guard.h"
#include "common/random.h"
#include "common/spawn.h"
#include "common/subreaper.h"
#include "etcd_cluster.h"
#include "event_log_follower.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

class Run {
 public:
  Run(const BenchCase& c, const Profile& p, const BenchEnv& env) : c_(c), p_(p), env_(env) {}
  ~Run() { cleanup(); }
  BenchOutcome go();

 private:
  const BenchCase& c_;
  const Profile& p_;
  const BenchEnv& env_;
  std::string dir_;
  common::EventLoop loop_;
  common::ProcessGuard guard_;
  std::unique_ptr<EventLogFollower> follower_;
  std::unique_ptr<EtcdCluster> etcd_;  // rendezvous-etcd-N only
  BenchObservation o_;
  int tee_fd_ = -1;
  std::unique_ptr<TeeLineCounter> tee_;
  std::vector<common::Process> agents_;  // o_.agents[i] is agents_[i]
  std::map<pid_t, int> worker_pidfds_;
  std::map<pid_t, bool> worker_gone_;
  std::string error_;
  bool done_ = false;

  common::Environment agent_env(const std::string& events) const;
  std::vector<std::string> agent_argv(int i, int port, const std::string& rdzv_id) const;
  int start_etcd();
  void start_agents();
  void spawn_agent(int i, const std::vector<std::string>& envv, int in, int out, int port,
                   const std::string& rdzv_id);
  void watch();
  void on_event(const WorkerEvent& e);
  void on_agent_exit(size_t i);
  bool reap(size_t i);
  void on_tee();
  void on_worker_gone(pid_t pid);
  void stop_with(const std::string& error);
  void maybe_done();
  void cleanup();
};

common::Environment Run::agent_env(const std::string& events) const {
  common::Environment env = common::current_environment();
  for (auto& [k, v] : p_.env) env[k] = v;
  env["OMP_NUM_THREADS"] = "1";  // upstream warns otherwise; same for both launchers
  env["LAUNCHCHECK_EVENTS"] = events;
  return env;
}

std::vector<std::string> Run::agent_argv(int i, int port, const std::string& rdzv_id) const {
  std::map<std::string, std::string> opt = {{"nproc_per_node", std::to_string(c_.nproc)},
                                            {"no_python", "true"},
                                            {"log_dir", dir_ + "/logs" + std::to_string(i)},
                                            {"monitor_interval", "0.1"}};
  if (c_.agents == 1) {
    opt["master_addr"] = "127.0.0.1";
    opt["master_port"] = std::to_string(port);
  } else {
    opt["nnodes"] = std::to_string(c_.agents);
    opt["rdzv_backend"] = c_.rdzv_backend;
    opt["rdzv_endpoint"] = "127.0.0.1:" + std::to_string(port);
    opt["rdzv_id"] = rdzv_id;
  }
  for (auto& [k, v] : c_.options) opt[k] = v;
  std::vector<std::string> argv = {find_executable(p_.command[0])};
  argv.insert(argv.end(), p_.command.begin() + 1, p_.command.end());
  for (auto& a : render_options(p_, opt)) argv.push_back(a);
  argv.push_back(env_.build_dir + "/bin/lc_worker");
  argv.insert(argv.end(), c_.args.begin(), c_.args.end());
  return argv;
}

void Run::spawn_agent(int i, const std::vector<std::string>& envv, int in, int out, int port,
                      const std::string& rdzv_id) {
  BenchAgent& a = o_.agents[i];
  a.stderr_path = dir_ + "/agent" + std::to_string(i) + ".stderr";
  int err = open(a.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  common::SpawnOptions opt;
  opt.argv = agent_argv(i, port, rdzv_id);
  opt.program = opt.argv[0];
  opt.env = envv;
  opt.stdin_fd = in;
  opt.stdout_fd = out;
  opt.stderr_fd = err < 0 ? in : err;
  opt.guard = &guard_;  // the agent registers its group before exec
  try {
    agents_[i] = common::spawn(opt);  // vfork: a failed exec is known here
  } catch (...) {
    if (err >= 0) close(err);
    throw;
  }
  if (err >= 0) close(err);
  a.pid = agents_[i].pid();
  if (agents_[i].exec_error())
    throw std::runtime_error(common::describe_exec_error(opt, agents_[i]));
}

// One etcd member, healthy before the clock starts; its port is the
// rendezvous endpoint.
int Run::start_etcd() {
  int client = common::pick_free_port("127.0.0.1");
  int peer = common::pick_free_port("127.0.0.1");
  while (peer == client) peer = common::pick_free_port("127.0.0.1");
  etcd_ = std::make_unique<EtcdCluster>(std::vector<int>{client}, std::vector<int>{peer},
                                        dir_ + "/etcd", dir_);
  std::string why = etcd_->start(30, [this](pid_t pid) { guard_.watch(pid); });
  if (!why.empty()) throw std::runtime_error("etcd: " + why);
  return client;
}

void Run::start_agents() {
  std::string events = dir_ + "/events.jsonl";
  std::ofstream(events).close();
  follower_ = std::make_unique<EventLogFollower>(events);
  common::Environment env = agent_env(events);
  bool etcd = c_.kind == BenchKind::kRendezvous && c_.rdzv_backend == "etcd";
  int port = etcd ? start_etcd() : common::pick_free_port("127.0.0.1");
  std::string rdzv_id = "bench" + common::random_hex(10);
  int fds[2] = {-1, -1};
  if (c_.kind == BenchKind::kTee) {
    if (pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("pipe: ") + strerror(errno));
    tee_fd_ = fds[0];
    tee_ = std::make_unique<TeeLineCounter>(c_.nproc, c_.tee_lines);
    o_.tee = tee_.get();
  }
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  o_.expected = c_.agents * c_.nproc;
  o_.agents.resize(c_.agents);
  agents_.resize(c_.agents);
  o_.t_launch = common::now_ns();
  try {
    for (int i = 0; i < c_.agents; ++i) {
      env["LAUNCHCHECK_NODE"] = "a" + std::to_string(i);
      spawn_agent(i, common::to_envp(env), devnull, (tee_fd_ >= 0 && i == 0) ? fds[1] : devnull, port, rdzv_id);
    }
  } catch (...) {
    if (fds[1] >= 0) close(fds[1]);
    close(devnull);
    throw;
  }
  if (fds[1] >= 0) close(fds[1]);
  close(devnull);
}

void Run::watch() {
  loop_.watch_fd(follower_->fd(), [this](uint32_t) {
    std::string why;
    for (auto& line : follower_->read_new_lines())
      if (auto e = parse_event_line(line, &why)) on_event(*e);
  });
  for (size_t i = 0; i < o_.agents.size(); ++i)
    loop_.watch_fd(agents_[i].pidfd(), [this, i](uint32_t) { on_agent_exit(i); });
  if (tee_fd_ >= 0) loop_.watch_fd(tee_fd_, [this](uint32_t) { on_tee(); });
  if (common::interrupt_fd() >= 0)
    loop_.watch_fd(common::interrupt_fd(), [this](uint32_t) {
      stop_with("interrupted by signal " + std::to_string(common::interrupt_signal()));
    });
  loop_.add_timer(std::chrono::microseconds(static_cast<int64_t>(env_.timeout_s * 1e6)), [this] {
    stop_with("timed out after " + std::to_string(static_cast<int>(env_.timeout_s)) + " s");
  });
}

void Run::on_event(const WorkerEvent& e) {
  if (e.ev == "start" && e.pgid > 1 && e.pgid != getpgrp()) guard_.watch(e.pgid);
  bool attempt0_started = observe_event(o_, e);
  if (e.ev == "start" && e.role != "grandchild" && !worker_pidfds_.count(e.pid)) {
    int fd = common::open_pidfd(e.pid);  // fails when it is already gone: nothing to clean up then
    if (fd >= 0) worker_pidfds_[e.pid] = fd;
    worker_gone_[e.pid] = fd < 0;
    pid_t pid = e.pid;
    if (fd >= 0 && c_.kind == BenchKind::kSigterm)
      loop_.watch_fd(fd, [this, pid](uint32_t) { on_worker_gone(pid); });
  }
  if (attempt0_started && c_.kind == BenchKind::kIdle) {
    o_.cpu_before = process_cpu_ns(o_.agents[0].pid);
    o_.window_start = common::now_ns();
  }
  // Let the agent settle into waiting before the signal.
  if (attempt0_started && c_.kind == BenchKind::kSigterm)
    loop_.add_timer(std::chrono::milliseconds(200), [this] {
      o_.sigterm_sent = common::now_ns();
      kill(o_.agents[0].pid, SIGTERM);
    });
  if (e.ev == "exit" && c_.kind == BenchKind::kIdle && o_.cpu_before >= 0 && o_.cpu_after < 0) {
    o_.cpu_after = process_cpu_ns(o_.agents[0].pid);
    o_.window_end = common::now_ns();
  }
}

void Run::on_agent_exit(size_t i) {
  o_.agents[i].exit_ns = common::now_ns();
  if (!reap(i)) return;
  loop_.unwatch_fd(agents_[i].pidfd());
  maybe_done();
}

// Agent i's exit status and resource usage into the observation, once it
// has exited.
bool Run::reap(size_t i) {
  auto status = agents_[i].try_reap();
  if (!status) return false;
  BenchAgent& a = o_.agents[i];
  a.status = *status;
  a.ru = *agents_[i].resource_usage();
  a.exited = true;
  return true;
}

void Run::on_tee() {
  char buf[1 << 16];
  ssize_t r = read(tee_fd_, buf, sizeof buf);
  if (r > 0) {
    tee_->feed(buf, r);
    o_.last_byte_ns = common::now_ns();
  } else if (r == 0 || errno != EINTR) {
    loop_.unwatch_fd(tee_fd_);
    close(tee_fd_);
    tee_fd_ = -1;
    maybe_done();
  }
}

void Run::on_worker_gone(pid_t pid) {
  worker_gone_[pid] = true;
  o_.workers_gone_ns = std::max(o_.workers_gone_ns, common::now_ns());
  loop_.unwatch_fd(worker_pidfds_[pid]);
  maybe_done();
}

void Run::stop_with(const std::string& error) {
  if (error_.empty()) error_ = error;
  done_ = true;
  loop_.stop();
}

void Run::maybe_done() {
  bool agents_done =
      std::all_of(o_.agents.begin(), o_.agents.end(), [](const BenchAgent& a) { return a.exited; });
  bool workers_done = true;
  if (c_.kind == BenchKind::kSigterm)
    for (auto& [pid, gone] : worker_gone_) workers_done = workers_done && gone;
  if (agents_done && workers_done && tee_fd_ < 0) {
    done_ = true;
    loop_.stop();
  }
}

// Nothing of the run may outlive it: workers by pidfd, the launchers' groups,
// then whatever else descends from us (orphans re-parented to this
// subreaper); the guard covers the same ground if launchcheck dies first.
void Run::cleanup() {
  for (auto& [pid, fd] : worker_pidfds_) {
    common::signal_pidfd(fd, SIGKILL);
    close(fd);
  }
  worker_pidfds_.clear();
  for (size_t i = 0; i < agents_.size(); ++i) {
    if (agents_[i].pid() > 0 && !o_.agents[i].exited) {
      common::kill_group(agents_[i].pid(), SIGKILL);
      agents_[i].send_signal(SIGKILL);
      agents_[i].wait();
      reap(i);
    }
    agents_[i].close_pidfd();
  }
  if (tee_fd_ >= 0) close(tee_fd_);
  tee_fd_ = -1;
  if (etcd_) etcd_->stop();
  common::kill_descendants(guard_.pid());
  guard_.goodbye();
  common::reap_children(5);
}

BenchOutcome Run::go() {
  BenchOutcome out;
  std::string templ = env_.work_dir + "/" + c_.name + "-XXXXXX";
  if (!mkdtemp(templ.data())) {
    out.error = "cannot create a directory like " + templ + ": " + strerror(errno);
    return out;
  }
  dir_ = templ;
  try {
    guard_.start();
    start_agents();
    watch();
    maybe_done();
    if (!done_) loop_.run();
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  std::string why;
  if (follower_)
    for (auto& line : follower_->read_rest())
      if (auto e = parse_event_line(line, &why)) on_event(*e);
  if (tee_) tee_->finish();
  cleanup();
  if (error_.empty()) error_ = bench_check(c_, o_);
  if (error_.empty()) out.metrics = bench_metrics(c_, o_);
  out.error = error_;
  std::error_code ec;
  if (out.error.empty())
    fs::remove_all(dir_, ec);
  else
    out.error += " (kept " + dir_ + ")";
  return out;
}

}  // namespace

namespace {

// MemAvailable of /proc/meminfo in MiB; 0 when it cannot be read.
double available_mib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long long kib = 0;
  while (in >> key >> kib) {
    if (key == "MemAvailable:") return static_cast<double>(kib) / 1024;
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

}  // namespace

std::string bench_skip_reason(const BenchCase& c, const Profile& p) {
  if (find_executable(p.command[0]).empty())
    return "launcher \"" + p.command[0] + "\" is not installed";
  // Real agents only: the store cases' simulated agents are connections.
  double need = c.kind == BenchKind::kRendezvous ? c.agents * p.agent_rss_mib : 0;
  if (double have = available_mib(); have > 0 && need > 0.8 * have)
    return std::to_string(c.agents) + " agents of " + p.name + " need ~" +
           std::to_string(static_cast<long long>(need / 1024)) + " GiB (" +
           std::to_string(static_cast<long long>(p.agent_rss_mib)) +
           " MiB each: the profile's agent_rss_mib); " +
           std::to_string(static_cast<long long>(have / 1024)) + " GiB available";
  for (auto& cap : c.needs)
    if (!p.has_capability(cap)) return "profile " + p.name + " lacks capability \"" + cap + "\"";
  if (c.rdzv_backend == "etcd" && c.kind == BenchKind::kRendezvous) {
    std::string why = etcd_missing_reason();
    if (!why.empty()) return why;
  }
  if (!p.has_capability("no-python"))
    return "profile " + p.name + " lacks capability \"no-python\"";
  if (c.kind == BenchKind::kStoreJoin || c.kind == BenchKind::kStoreKeepalive)
    return store_case_skip_reason(c);
  return "";
}

BenchOutcome run_bench_case(const BenchCase& c, const Profile& p, const BenchEnv& env) {
  if (c.kind == BenchKind::kStoreJoin || c.kind == BenchKind::kStoreKeepalive)
    return run_store_case(c, p, env);
  Run run(c, p, env);
  return run.go();
}

}  // namespace launchcheck
