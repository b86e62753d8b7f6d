#include "bench_launch.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "bench_tee.h"
#include "event_log.h"
#include "process_table.h"

extern char** environ;
volatile sig_atomic_t bench_stop_signal = 0;
namespace fs = std::filesystem;

namespace {

// glibc 2.36's <sys/pidfd.h> lacks extern "C"; the raw syscalls are portable.
int pidfd_open(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}
int pidfd_kill(int fd, int sig) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, fd, sig, nullptr, 0));
}

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string random_hex(int n) {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(now_ns()));
  std::string out;
  for (int i = 0; i < n; ++i) out += "0123456789abcdef"[rng() % 16];
  return out;
}

// A port nobody listens on right now: tests share this machine, so never a
// fixed one.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (rc == 0) rc = getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int err = errno;
  close(fd);
  if (rc != 0) throw std::runtime_error(std::string("cannot pick a free port: ") + strerror(err));
  return ntohs(a.sin_port);
}

// On-CPU time of every thread of the process, ns (/proc/PID/task/*/schedstat:
// nanosecond resolution, unlike the clock ticks of /proc/PID/stat). -1 when
// the process is gone.
int64_t process_cpu_ns(pid_t pid) {
  std::error_code ec;
  int64_t total = 0;
  bool any = false;
  for (auto& t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream f(t.path() / "schedstat");
    int64_t ns = 0;
    if (f >> ns) {
      total += ns;
      any = true;
    }
  }
  return any ? total : -1;
}

std::string last_line_of(const std::string& path) {
  std::ifstream f(path);
  std::string line, last;
  while (std::getline(f, line))
    if (!line.empty()) last = line;
  return last;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

double ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}
double tv_ms(const timeval& tv) {
  return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

struct Agent {
  pid_t pid = -1;
  int pidfd = -1;
  bool exited = false;
  int64_t exit_ns = 0;
  int status = 0;
  rusage ru{};
  std::string stderr_path;
};

// fork + exec with everything prepared before the fork. The child gets its own
// process group, so a timeout can kill what is left of the launcher at once.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& envv, int in_fd,
            int out_fd, int err_fd) {
  std::vector<char*> a, e;
  for (auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  for (auto& s : envv) e.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  e.push_back(nullptr);
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  dup2(in_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  execve(a[0], a.data(), e.data());
  dprintf(2, "launchcheck bench: cannot run %s: %s\n", a[0], strerror(errno));
  _exit(127);
}

class Run {
 public:
  Run(const BenchCase& c, const Profile& p, const BenchEnv& env) : c_(c), p_(p), env_(env) {}
  ~Run() { cleanup(); }
  BenchOutcome go();

 private:
  void start_agents();
  void loop();
  void on_event(const std::string& line);
  void cleanup();
  std::string check();
  void compute(BenchOutcome* out);

  const BenchCase& c_;
  const Profile& p_;
  const BenchEnv& env_;
  std::string dir_;
  std::unique_ptr<EventLogFollower> follower_;
  std::vector<Agent> agents_;
  int tee_fd_ = -1;
  std::unique_ptr<TeeLineCounter> tee_;
  int64_t t_launch_ = 0, last_byte_ns_ = 0;
  int expected_ = 0;
  std::map<int, int> starts_;          // attempt -> workers started
  std::map<int, int64_t> last_start_;  // attempt -> latest start (fixture clock)
  int64_t first_start_ = 0, rank1_exit_ns_ = 0;
  std::map<pid_t, int> worker_pidfds_;
  std::map<pid_t, bool> worker_gone_;
  int64_t workers_gone_ns_ = 0;
  int64_t sigterm_due_ = 0, sigterm_sent_ = 0;
  int64_t cpu_before_ = -1, cpu_after_ = -1, window_start_ = 0, window_end_ = 0;
  std::string error_;
};

void Run::start_agents() {
  std::string exe = find_executable(p_.command[0]);
  std::string worker = env_.build_dir + "/bin/lc_worker";
  std::string events = dir_ + "/events.jsonl";
  std::ofstream(events).close();
  follower_ = std::make_unique<EventLogFollower>(events);

  std::map<std::string, std::string> base;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) base[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (auto& [k, v] : p_.env) base[k] = v;
  base["OMP_NUM_THREADS"] = "1";  // upstream warns otherwise; same for both launchers
  base["LAUNCHCHECK_EVENTS"] = events;

  int port = free_port();
  std::string rdzv_id = "bench" + random_hex(10);
  int fds[2] = {-1, -1};
  if (c_.kind == BenchKind::kTee) {
    if (pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("pipe: ") + strerror(errno));
    tee_fd_ = fds[0];
    tee_ = std::make_unique<TeeLineCounter>(c_.nproc, c_.tee_lines);
  }
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  expected_ = c_.agents * c_.nproc;
  agents_.resize(c_.agents);
  t_launch_ = now_ns();
  for (int i = 0; i < c_.agents; ++i) {
    std::map<std::string, std::string> opt = {{"nproc_per_node", std::to_string(c_.nproc)},
                                              {"no_python", "true"},
                                              {"log_dir", dir_ + "/logs" + std::to_string(i)},
                                              {"monitor_interval", "0.1"}};
    if (c_.agents == 1) {
      opt["master_addr"] = "127.0.0.1";
      opt["master_port"] = std::to_string(port);
    } else {
      opt["nnodes"] = std::to_string(c_.agents);
      opt["rdzv_backend"] = "c10d";
      opt["rdzv_endpoint"] = "127.0.0.1:" + std::to_string(port);
      opt["rdzv_id"] = rdzv_id;
    }
    for (auto& [k, v] : c_.options) opt[k] = v;
    std::vector<std::string> argv = {exe};
    argv.insert(argv.end(), p_.command.begin() + 1, p_.command.end());
    for (auto& a : render_options(p_, opt)) argv.push_back(a);
    argv.push_back(worker);
    argv.insert(argv.end(), c_.args.begin(), c_.args.end());
    std::vector<std::string> envv;
    base["LAUNCHCHECK_NODE"] = "a" + std::to_string(i);
    for (auto& [k, v] : base) envv.push_back(k + "=" + v);

    Agent& a = agents_[i];
    a.stderr_path = dir_ + "/agent" + std::to_string(i) + ".stderr";
    int err = open(a.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int out = (tee_fd_ >= 0 && i == 0) ? fds[1] : devnull;
    a.pid = spawn(argv, envv, devnull, out, err < 0 ? devnull : err);
    if (err >= 0) close(err);
    if (a.pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
    a.pidfd = pidfd_open(a.pid);
    if (a.pidfd < 0) throw std::runtime_error(std::string("pidfd_open: ") + strerror(errno));
  }
  if (fds[1] >= 0) close(fds[1]);
  close(devnull);
}

void Run::on_event(const std::string& line) {
  std::string why;
  auto e = parse_event_line(line, &why);
  if (!e) return;
  int attempt = e->attempt.value_or(0);
  if (e->ev == "start" && e->role != "grandchild") {
    int n = ++starts_[attempt];
    last_start_[attempt] = std::max(last_start_[attempt], e->mono_ns);
    if (!first_start_) first_start_ = e->mono_ns;
    if (!worker_pidfds_.count(e->pid)) {
      int fd = pidfd_open(e->pid);  // fails when it is already gone: nothing to clean up then
      if (fd >= 0) worker_pidfds_[e->pid] = fd;
      worker_gone_[e->pid] = fd < 0;
    }
    if (attempt == 0 && n == expected_) {
      if (c_.kind == BenchKind::kIdle) {
        cpu_before_ = process_cpu_ns(agents_[0].pid);
        window_start_ = now_ns();
      }
      // Let the agent settle into waiting before the signal.
      if (c_.kind == BenchKind::kSigterm) sigterm_due_ = now_ns() + 200'000'000;
    }
  } else if (e->ev == "exit") {
    if (e->rank == 1 && attempt == 0 && e->code == 3) rank1_exit_ns_ = e->mono_ns;
    if (c_.kind == BenchKind::kIdle && cpu_before_ >= 0 && cpu_after_ < 0) {
      cpu_after_ = process_cpu_ns(agents_[0].pid);
      window_end_ = now_ns();
    }
  }
}

void Run::loop() {
  int64_t deadline = t_launch_ + static_cast<int64_t>(env_.timeout_s * 1e9);
  std::vector<char> buf(1 << 16);
  for (;;) {
    bool agents_done =
        std::all_of(agents_.begin(), agents_.end(), [](const Agent& a) { return a.exited; });
    bool workers_done = true;
    if (c_.kind == BenchKind::kSigterm)
      for (auto& [pid, gone] : worker_gone_) workers_done = workers_done && gone;
    if (agents_done && workers_done && tee_fd_ < 0) return;
    int64_t now = now_ns();
    if (sigterm_due_ && !sigterm_sent_ && now >= sigterm_due_) {
      sigterm_sent_ = now_ns();
      kill(agents_[0].pid, SIGTERM);
    }
    if (bench_stop_signal) {
      error_ = "interrupted by signal " + std::to_string(bench_stop_signal);
      return;
    }
    if (now >= deadline) {
      error_ = "timed out after " + std::to_string(static_cast<int>(env_.timeout_s)) + " s";
      return;
    }
    // What each poll slot is: 0 the event log, then agents, the tee pipe, workers.
    std::vector<pollfd> fds;
    std::vector<std::pair<char, int64_t>> what;
    fds.push_back({follower_->fd(), POLLIN, 0});
    what.push_back({'e', 0});
    for (size_t i = 0; i < agents_.size(); ++i)
      if (!agents_[i].exited) {
        fds.push_back({agents_[i].pidfd, POLLIN, 0});
        what.push_back({'a', static_cast<int64_t>(i)});
      }
    if (tee_fd_ >= 0) {
      fds.push_back({tee_fd_, POLLIN, 0});
      what.push_back({'t', 0});
    }
    if (c_.kind == BenchKind::kSigterm)
      for (auto& [pid, fd] : worker_pidfds_)
        if (!worker_gone_[pid]) {
          fds.push_back({fd, POLLIN, 0});
          what.push_back({'w', pid});
        }
    int64_t wait_ns = deadline - now;
    if (sigterm_due_ && !sigterm_sent_) wait_ns = std::min(wait_ns, sigterm_due_ - now);
    int timeout_ms = static_cast<int>(std::max<int64_t>(0, (wait_ns + 999'999) / 1'000'000));
    int n = poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) {
      error_ = std::string("poll: ") + strerror(errno);
      return;
    }
    for (size_t k = 0; n > 0 && k < fds.size(); ++k) {
      if (!fds[k].revents) continue;
      auto [kind, id] = what[k];
      if (kind == 'e') {
        for (auto& line : follower_->read_new_lines()) on_event(line);
      } else if (kind == 'a') {
        Agent& a = agents_[id];
        a.exit_ns = now_ns();
        wait4(a.pid, &a.status, 0, &a.ru);
        a.exited = true;
      } else if (kind == 't') {
        ssize_t r = read(tee_fd_, buf.data(), buf.size());
        if (r > 0) {
          tee_->feed(buf.data(), r);
          last_byte_ns_ = now_ns();
        } else if (r == 0 || errno != EINTR) {
          close(tee_fd_);
          tee_fd_ = -1;
        }
      } else if (kind == 'w') {
        worker_gone_[static_cast<pid_t>(id)] = true;
        workers_gone_ns_ = std::max(workers_gone_ns_, now_ns());
      }
    }
  }
}

// Nothing of the run may outlive it: workers by pidfd, the launchers' groups,
// then whatever else descends from us (orphans re-parented to this subreaper).
void Run::cleanup() {
  for (auto& [pid, fd] : worker_pidfds_) {
    pidfd_kill(fd, SIGKILL);
    close(fd);
  }
  worker_pidfds_.clear();
  for (auto& a : agents_) {
    if (a.pid > 0 && !a.exited) {
      kill(-a.pid, SIGKILL);
      kill(a.pid, SIGKILL);
      wait4(a.pid, &a.status, 0, &a.ru);
      a.exited = true;
    }
    if (a.pidfd >= 0) close(a.pidfd);
    a.pidfd = -1;
  }
  if (tee_fd_ >= 0) close(tee_fd_);
  tee_fd_ = -1;
  for (auto& proc : descendants_of(getpid(), read_process_table()))
    if (proc.state != 'Z') kill(proc.pid, SIGKILL);
  int64_t give_up = now_ns() + 5'000'000'000;
  while (now_ns() < give_up) {
    pid_t r = waitpid(-1, nullptr, WNOHANG);
    if (r < 0) break;  // ECHILD: every child reaped
    if (r == 0) usleep(1000);
  }
}

std::string Run::check() {
  for (size_t i = 0; i < agents_.size(); ++i) {
    const Agent& a = agents_[i];
    bool clean = WIFEXITED(a.status) && WEXITSTATUS(a.status) == 0;
    bool ok = c_.expect_exit == 0 ? clean : !clean;
    if (!ok) {
      std::string why = "agent " + std::to_string(i) + " ended with " + describe_status(a.status) +
                        " (expected " + (c_.expect_exit == 0 ? "exit code 0" : "a failure") + ")";
      std::string last = last_line_of(a.stderr_path);
      return last.empty() ? why : why + "; its last stderr line: " + last;
    }
  }
  // A failing rank may take the others down before they all record their
  // start; those cases only need rank 1's exit (and attempt 1).
  bool all_of_attempt0 = c_.kind != BenchKind::kFailure && c_.kind != BenchKind::kRestart;
  if (all_of_attempt0 && starts_[0] != expected_)
    return std::to_string(starts_[0]) + " of " + std::to_string(expected_) + " workers started";
  if (c_.kind == BenchKind::kRestart && starts_[1] != expected_)
    return std::to_string(starts_[1]) + " of " + std::to_string(expected_) +
           " workers of attempt 1 started";
  if ((c_.kind == BenchKind::kFailure || c_.kind == BenchKind::kRestart) && !rank1_exit_ns_)
    return "rank 1 recorded no exit with code 3";
  if (c_.kind == BenchKind::kSigterm && !sigterm_sent_) return "SIGTERM was never sent";
  if (c_.kind == BenchKind::kIdle && (cpu_before_ < 0 || cpu_after_ < 0))
    return "could not read the agent's CPU time around the idle window";
  if (c_.kind == BenchKind::kTee && last_byte_ns_ <= first_start_)
    return "nothing reached the console";
  return "";
}

void Run::compute(BenchOutcome* out) {
  auto& m = out->metrics;
  const Agent& a0 = agents_[0];
  int64_t last_exit = 0;
  long max_rss = 0;
  for (auto& a : agents_) {
    last_exit = std::max(last_exit, a.exit_ns);
    max_rss = std::max(max_rss, a.ru.ru_maxrss);
  }
  m["wall_ms"] = ms(last_exit - t_launch_);
  m["cpu_ms"] = tv_ms(a0.ru.ru_utime) + tv_ms(a0.ru.ru_stime);
  m["rss_mib"] = max_rss / 1024.0;
  switch (c_.kind) {
    case BenchKind::kTrivial:
      break;
    case BenchKind::kFailure:
      m["latency_ms"] = ms(a0.exit_ns - rank1_exit_ns_);
      break;
    case BenchKind::kSigterm:
      m["latency_ms"] = ms(std::max(last_exit, workers_gone_ns_) - sigterm_sent_);
      break;
    case BenchKind::kRestart:
      m["latency_ms"] = ms(last_start_[1] - rank1_exit_ns_);
      break;
    case BenchKind::kIdle:
      m["idle_cpu_ms"] = ms(cpu_after_ - cpu_before_);
      m["window_ms"] = ms(window_end_ - window_start_);
      break;
    case BenchKind::kTee:
      m["mb_per_s"] =
          tee_->bytes() / 1e6 / (static_cast<double>(last_byte_ns_ - first_start_) / 1e9);
      m["lines_lost"] = static_cast<double>(tee_->lost());
      m["lines_split"] = static_cast<double>(tee_->split());
      m["lines_duplicated"] = static_cast<double>(tee_->duplicates());
      m["console_mb"] = tee_->bytes() / 1e6;
      break;
    case BenchKind::kRendezvous:
      m["latency_ms"] = ms(last_start_[0] - t_launch_);
      break;
  }
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
    start_agents();
    loop();
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  if (follower_)
    for (auto& line : follower_->read_rest()) on_event(line);
  if (tee_) tee_->finish();
  cleanup();
  if (error_.empty()) error_ = check();
  if (error_.empty()) compute(&out);
  out.error = error_;
  std::error_code ec;
  if (out.error.empty())
    fs::remove_all(dir_, ec);
  else
    out.error += " (kept " + dir_ + ")";
  return out;
}

}  // namespace

std::string bench_skip_reason(const BenchCase& c, const Profile& p) {
  if (find_executable(p.command[0]).empty())
    return "launcher \"" + p.command[0] + "\" is not installed";
  for (auto& cap : c.needs)
    if (!p.has_capability(cap)) return "profile " + p.name + " lacks capability \"" + cap + "\"";
  if (!p.has_capability("no-python"))
    return "profile " + p.name + " lacks capability \"no-python\"";
  return "";
}

BenchOutcome run_bench_case(const BenchCase& c, const Profile& p, const BenchEnv& env) {
  Run run(c, p, env);
  return run.go();
}
