#include "bench_store.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "bench_proc.h"
#include "common/clock.h"
#include "common/environment.h"
#include "common/free_port.h"
#include "common/interrupt.h"
#include "common/process_guard.h"
#include "common/random.h"
#include "common/spawn.h"
#include "common/subreaper.h"
#include "store_load.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

using Clock = std::chrono::steady_clock;

double ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

// Room for n connections here and for the store host (which takes at most
// three quarters of its limit as clients); root may raise the hard limit too, up
// to fs.nr_open. What the limit stays at is where a run stops, and it says so.
void raise_open_files(rlim_t n) {
  rlim_t nr_open = 1 << 20;
  std::ifstream("/proc/sys/fs/nr_open") >> nr_open;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= n) return;
  rlimit want{std::min(n, nr_open), std::max(lim.rlim_max, std::min(n, nr_open))};
  if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
    want = {std::min(n, lim.rlim_max), lim.rlim_max};
    setrlimit(RLIMIT_NOFILE, &want);
  }
}

rlim_t store_fds_needed(int n) { return (static_cast<rlim_t>(n) + 2) * 4 / 3 + 4; }

// True once something accepts on 127.0.0.1:port (the store is listening).
bool accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

std::string first_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

class StoreRun {
 public:
  StoreRun(const BenchCase& c, const Profile& p, const BenchEnv& env) : c_(c), p_(p), env_(env) {}
  ~StoreRun() { cleanup(); }
  BenchOutcome go();

 private:
  const BenchCase& c_;
  const Profile& p_;
  const BenchEnv& env_;
  std::string dir_, run_id_;
  int port_ = 0;
  rlimit saved_{};
  common::ProcessGuard guard_;
  common::Process host_;
  std::optional<common::ExitStatus> host_status_;
  std::unique_ptr<StoreLoad> load_;
  std::map<std::string, double> metrics_;

  int interval_s() const { return c_.idle_s >= 1 ? 5 : 1; }
  std::vector<std::string> host_argv() const;
  void start_host();
  std::string host_gone();
  std::string measure();
  std::string keep_alive_phase();
  void cleanup();
};

std::vector<std::string> StoreRun::host_argv() const {
  std::string conf =
      "join_timeout=600,last_call_timeout=600,keep_alive_interval=" + std::to_string(interval_s()) +
      ",keep_alive_max_attempt=3";
  std::map<std::string, std::string> opt = {{"nproc_per_node", "1"},
                                            {"no_python", "true"},
                                            {"log_dir", dir_ + "/logs"},
                                            {"monitor_interval", "0.1"},
                                            {"nnodes", "1:" + std::to_string(c_.agents + 1)},
                                            {"rdzv_backend", "c10d"},
                                            {"rdzv_endpoint", "127.0.0.1:" + std::to_string(port_)},
                                            {"rdzv_id", run_id_},
                                            {"rdzv_conf", conf}};
  std::vector<std::string> argv = {find_executable(p_.command[0])};
  argv.insert(argv.end(), p_.command.begin() + 1, p_.command.end());
  for (auto& a : render_options(p_, opt)) argv.push_back(a);
  argv.push_back(env_.build_dir + "/bin/lc_worker");
  argv.push_back("sleep:3600");
  return argv;
}

void StoreRun::start_host() {
  common::Environment env = common::current_environment();
  for (auto& [k, v] : p_.env) env[k] = v;
  env["LAUNCHCHECK_EVENTS"] = dir_ + "/events.jsonl";
  env["LAUNCHCHECK_NODE"] = "host";
  std::ofstream(dir_ + "/events.jsonl").close();
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  int err = open((dir_ + "/host.stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  common::SpawnOptions opt;
  opt.argv = host_argv();
  opt.program = opt.argv[0];
  opt.env = common::to_envp(env);
  opt.stdin_fd = opt.stdout_fd = devnull;
  opt.stderr_fd = err < 0 ? devnull : err;
  opt.guard = &guard_;
  host_ = common::spawn(opt);
  close(devnull);
  if (err >= 0) close(err);
  if (host_.exec_error()) throw std::runtime_error(common::describe_exec_error(opt, host_));
  // Before the clock: the store listens once the agent has parsed its options.
  auto until = Clock::now() + std::chrono::seconds(10);
  while (!accepts(port_)) {
    if (!host_gone().empty()) throw std::runtime_error(host_gone());
    if (Clock::now() > until) throw std::runtime_error("the store never listened on its port");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Why the store host is gone ("" while it runs).
std::string StoreRun::host_gone() {
  if (host_.pid() <= 0) return "";
  if (!host_status_) host_status_ = host_.try_reap();
  if (!host_status_) return "";
  return "the store host exited (" + host_status_->describe() +
         "): " + first_line(dir_ + "/host.stderr");
}

std::string StoreRun::measure() {
  StoreLoadOptions o;
  o.port = port_;
  o.run_id = run_id_;
  o.participants = c_.agents;
  o.min_nodes = 1;
  o.max_nodes = o.expected_world = c_.agents + 1;
  o.keep_alive_interval = std::chrono::seconds(interval_s());
  load_ = std::make_unique<StoreLoad>(o);
  auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(env_.timeout_s * 1e3));
  std::string why = load_->join_all(deadline);
  if (why.empty()) why = host_gone();
  if (!why.empty()) return host_gone().empty() ? why : why + "; " + host_gone();
  const StoreLoadTimes& t = load_->times();
  metrics_["join_ms"] = ms(t.joined_ns - t.start_ns);
  metrics_["connect_ms"] = ms(t.accepted_ns - t.start_ns);
  if (c_.kind == BenchKind::kStoreKeepalive) why = keep_alive_phase();
  int64_t kib = process_peak_rss_kib(host_.pid());
  if (why.empty() && kib < 0) why = "cannot read the store host's VmHWM";
  metrics_["store_rss_mib"] = static_cast<double>(kib) / 1024.0;
  return why;
}

// Everyone pings for idle_s while the store host's CPU is read before and
// after; then 1% hang up at once (a SIGKILLed agent's kernel closes its
// socket the same way) and the survivors, told by the store, form the next
// round without them.
std::string StoreRun::keep_alive_phase() {
  int64_t cpu0 = process_cpu_ns(host_.pid()), t0 = common::now_ns();
  auto idle = std::chrono::milliseconds(static_cast<int64_t>(c_.idle_s * 1e3));
  std::string why = load_->keep_alive(Clock::now() + idle);
  int64_t cpu1 = process_cpu_ns(host_.pid()), t1 = common::now_ns();
  if (why.empty()) why = host_gone();
  if (!why.empty()) return why;
  metrics_["idle_cpu_ms"] = ms(cpu1 - cpu0);
  metrics_["window_ms"] = ms(t1 - t0);
  load_->kill(std::max(1, c_.agents / 100));
  auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(env_.timeout_s * 1e3));
  why = load_->reform(deadline);
  if (!why.empty()) return why;
  const StoreLoadTimes& t = load_->times();
  metrics_["notice_ms"] = ms(t.noticed_ns - t.killed_ns);
  metrics_["reform_ms"] = ms(t.reformed_ns - t.killed_ns);
  return "";
}

// The host first (SIGKILL: its worker follows by its parent-death signal),
// then our connections, so the store does not work through N hang-ups.
void StoreRun::cleanup() {
  if (host_.pid() > 0 && !host_status_) {
    common::kill_group(host_.pid(), SIGKILL);
    host_.send_signal(SIGKILL);
    host_status_ = host_.wait();
  }
  host_.close_pidfd();
  load_.reset();
  common::kill_descendants(guard_.pid());
  guard_.goodbye();
  common::reap_children(5);
  if (saved_.rlim_max) setrlimit(RLIMIT_NOFILE, &saved_);
  saved_ = {};
}

BenchOutcome StoreRun::go() {
  BenchOutcome out;
  std::string templ = env_.work_dir + "/" + c_.name + "-XXXXXX";
  if (!mkdtemp(templ.data())) {
    out.error = "cannot create a directory like " + templ + ": " + strerror(errno);
    return out;
  }
  dir_ = templ;
  getrlimit(RLIMIT_NOFILE, &saved_);
  // N of ours, and 4 per connection for the store host (its client cap).
  raise_open_files(store_fds_needed(c_.agents));
  try {
    guard_.start();
    port_ = common::pick_free_port("127.0.0.1");
    run_id_ = "bench" + common::random_hex(10);
    start_host();
    out.error = measure();
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  cleanup();
  std::error_code ec;
  if (out.error.empty()) {
    out.metrics = metrics_;
    fs::remove_all(dir_, ec);
  } else {
    out.error += " (kept " + dir_ + ")";
  }
  return out;
}

}  // namespace

std::string store_case_skip_reason(const BenchCase& c) {
  rlimit saved{};
  if (getrlimit(RLIMIT_NOFILE, &saved) != 0) return "";
  rlim_t need = store_fds_needed(c.agents);
  raise_open_files(need);
  rlimit got{};
  getrlimit(RLIMIT_NOFILE, &got);
  setrlimit(RLIMIT_NOFILE, &saved);
  if (got.rlim_cur >= need) return "";
  return std::to_string(c.agents) + " connections need RLIMIT_NOFILE >= " + std::to_string(need) +
         " for the store host (it takes at most three quarters of its limit as clients); the hard "
         "limit here is " +
         std::to_string(got.rlim_max) + " and raising it needs CAP_SYS_RESOURCE";
}

BenchOutcome run_store_case(const BenchCase& c, const Profile& p, const BenchEnv& env) {
  StoreRun run(c, p, env);
  return run.go();
}

}  // namespace launchcheck
