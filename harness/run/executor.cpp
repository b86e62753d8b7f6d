#include "job.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "event_loop.h"
#include "fault_scheduler.h"
#include "guard.h"
#include "process_table.h"
#include "signals.h"
#include "trace.h"

extern char** environ;
namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-./:=,@%+") == std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string skip_reason(const Scenario& s, const Profile& p) {
  for (auto& cap : s.requires_caps)
    if (!p.has_capability(cap)) return "profile " + p.name + " lacks capability \"" + cap + "\"";
  if (find_executable(p.command[0]).empty())
    return "launcher \"" + p.command[0] + "\" is not installed";
  return "";
}

namespace {

// glibc 2.36's <sys/pidfd.h> lacks extern "C"; the raw syscalls are portable.
int pidfd_open(pid_t pid, unsigned flags) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, flags));
}
int pidfd_send_signal(int fd, int sig, siginfo_t* info, unsigned flags) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, fd, sig, info, flags));
}

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string random_hex(int n) {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(now_ns()) ^ getpid());
  std::string out;
  for (int i = 0; i < n; ++i) out += "0123456789abcdef"[rng() % 16];
  return out;
}

struct AgentState {
  size_t index = 0;
  std::string exe;
  std::vector<std::string> argv;
  std::vector<std::string> envp;
  int out_fd = -1, err_fd = -1, pidfd = -1;
  LineSplitter out_lines, err_lines;
};

class Execution {
 public:
  Execution(const Scenario& s, const Profile& p, const RunOptions& opt, Placeholders& ph,
            std::string tmp, std::string events)
      : s_(s),
        p_(p),
        opt_(opt),
        ph_(ph),
        tmp_(std::move(tmp)),
        events_(std::move(events)),
        scheduler_(s.faults) {}

  // Renders every node's command line and environment; throws on problems
  // that must stop the run before anything starts (missing fixture, ...).
  void prepare();
  void run();
  RunRecord record;
  std::vector<std::string> reproduce_lines() const;

 private:
  const Scenario& s_;
  const Profile& p_;
  const RunOptions& opt_;
  Placeholders& ph_;
  std::string tmp_, events_;
  EventLoop loop_;
  FaultScheduler scheduler_;
  Guard guard_;
  std::vector<AgentState> agents_;
  std::unique_ptr<EventLogFollower> follower_;
  std::map<int, int> worker_pidfds_;  // worker pid -> pidfd
  std::set<int> exited_workers_;
  std::set<pid_t> groups_;
  int pending_starts_ = 0;
  bool finished_ = false;

  void start_agent(size_t i);
  void on_agent_exit(size_t i);
  void on_output(size_t i, bool err);
  void on_events();
  void handle_event(const WorkerEvent& e);
  void fire(const std::vector<size_t>& faults);
  void apply(size_t fault);
  std::string do_send(const Action& a);
  std::string do_make_unwritable(const std::string& path);
  void on_timeout();
  void maybe_finish();
  void kill_everything();
  void after_run();
  std::vector<ProcInfo> live_descendants();
};

std::vector<std::string> Execution::reproduce_lines() const {
  std::vector<std::string> out;
  for (auto& a : agents_) {
    std::string line = "cd " + shell_quote(tmp_) + " && env";
    for (auto& c : record.agents[a.index].env_changes) {
      if (c[0] == '-')
        line += " -u " + shell_quote(c.substr(1));
      else
        line += " " + shell_quote(c);
    }
    for (auto& arg : a.argv) line += " " + shell_quote(arg);
    out.push_back(line);
  }
  return out;
}

void Execution::prepare() {
  std::map<std::string, std::string> base;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) base[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (size_t i = 0; i < s_.nodes.size(); ++i) {
    const NodeSpec& n = s_.nodes[i];
    AgentRecord rec;
    rec.node = n.name;
    AgentState st;
    st.index = i;
    std::string ptr = "/nodes/" + std::to_string(i);
    auto resolve = [&](const std::string& text, const std::string& where) {
      try {
        return ph_.resolve(text);
      } catch (const std::exception& e) {
        throw std::runtime_error(s_.file + ": " + ptr + where + ": " + e.what());
      }
    };
    std::vector<std::string> argv = p_.command;
    if (n.raw_args) {
      for (auto& a : *n.raw_args) argv.push_back(resolve(a, "/raw_args"));
    } else {
      std::map<std::string, std::string> options;
      for (auto& [k, v] : n.options) options[k] = resolve(v, "/options/" + k);
      if ((n.worker.fixture == "cpp" || n.worker.fixture == "shell") && !options.count("no_python"))
        options["no_python"] = "true";
      // Static rendezvous defaults to port 29500, which a launcher may bind
      // (torchrun hosts its store there): a free port keeps -j runs apart.
      bool is_static = !options.count("rdzv_backend") || options["rdzv_backend"] == "static";
      if (is_static && !options.count("master_port") && options["standalone"] != "true")
        options["master_port"] = ph_.resolve("{port}");
      for (auto& a : render_options(p_, options)) argv.push_back(a);
      std::string program;
      if (n.worker.fixture.empty()) {
        program = resolve(n.worker.program, "/worker/program");
      } else {
        std::string key = n.worker.fixture == "cpp"      ? "fixture"
                          : n.worker.fixture == "python" ? "python_fixture"
                                                         : "shell_fixture";
        program = ph_.resolve("{" + key + "}");
      }
      argv.push_back(program);
      for (auto& a : n.worker.args) argv.push_back(resolve(a, "/worker/args"));
    }
    for (auto& a : argv)
      for (const char* fx : {"/lc_worker", "/lc_worker.py", "/lc_worker.sh"})
        if (a.ends_with(fx) && a.rfind(opt_.build_dir, 0) == 0 && !fs::exists(a))
          throw std::runtime_error("missing fixture " + a + " (build the fixtures first)");
    st.exe = find_executable(argv[0]);
    st.argv = argv;
    rec.argv = argv;

    std::map<std::string, std::string> env = base;
    std::vector<std::pair<std::string, std::optional<std::string>>> changes;
    for (auto& [k, v] : p_.env) changes.emplace_back(k, v);
    for (auto& [k, v] : env) ph_.set("env:" + k, v);
    for (auto& [k, v] : p_.env) ph_.set("env:" + k, v);
    for (auto& [k, v] : n.env)
      changes.emplace_back(k,
                           v ? std::optional<std::string>(resolve(*v, "/env/" + k)) : std::nullopt);
    changes.emplace_back("LAUNCHCHECK_EVENTS", events_);
    changes.emplace_back("LAUNCHCHECK_NODE", n.name);
    for (auto& [k, v] : changes) {
      if (v) {
        env[k] = *v;
        rec.env_changes.push_back(k + "=" + *v);
      } else {
        env.erase(k);
        rec.env_changes.push_back("-" + k);
      }
    }
    for (auto& [k, v] : env) st.envp.push_back(k + "=" + v);
    record.agents.push_back(rec);
    agents_.push_back(std::move(st));
  }
}

void Execution::start_agent(size_t i) {
  AgentState& st = agents_[i];
  AgentRecord& rec = record.agents[i];
  if (rec.started) return;
  rec.started = true;
  int out[2], err[2], ex[2];
  if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(ex, O_CLOEXEC)) {
    rec.exec_error = std::string("pipe: ") + strerror(errno);
    return;
  }
  std::vector<char*> argv, envp;
  for (auto& a : st.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : st.envp) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t parent = getpid();
  rec.start_ns = now_ns();
  if (!record.start_ns) record.start_ns = rec.start_ns;
  pid_t pid = fork();
  if (pid < 0) {
    rec.exec_error = std::string("fork: ") + strerror(errno);
    return;
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) signal(sig, SIG_DFL);
    if (chdir(tmp_.c_str()) != 0) {
    }
    if (!st.exe.empty()) execve(st.exe.c_str(), argv.data(), envp.data());
    int e = st.exe.empty() ? ENOENT : errno;
    (void)!write(ex[1], &e, sizeof e);
    _exit(127);
  }
  setpgid(pid, pid);  // both sides, so the group exists before anyone signals it
  close(out[1]);
  close(err[1]);
  close(ex[1]);
  int e = 0;
  ssize_t n;
  do n = read(ex[0], &e, sizeof e);
  while (n < 0 && errno == EINTR);
  close(ex[0]);
  rec.pid = pid;
  rec.pgid = pid;
  groups_.insert(pid);
  guard_.watch_group(pid);
  if (n == sizeof e) rec.exec_error = "cannot execute " + st.argv[0] + ": " + strerror(e);
  st.out_fd = out[0];
  st.err_fd = err[0];
  fcntl(st.out_fd, F_SETFL, O_NONBLOCK);
  fcntl(st.err_fd, F_SETFL, O_NONBLOCK);
  loop_.watch_fd(st.out_fd, [this, i](uint32_t) { on_output(i, false); });
  loop_.watch_fd(st.err_fd, [this, i](uint32_t) { on_output(i, true); });
  st.pidfd = pidfd_open(pid, 0);
  if (st.pidfd < 0) {
    rec.exec_error = std::string("pidfd_open: ") + strerror(errno);
    return;
  }
  loop_.watch_fd(st.pidfd, [this, i](uint32_t) { on_agent_exit(i); });
}

void Execution::on_agent_exit(size_t i) {
  AgentState& st = agents_[i];
  AgentRecord& rec = record.agents[i];
  int status = 0;
  if (waitpid(rec.pid, &status, WNOHANG) != rec.pid) return;
  rec.end_ns = now_ns();
  rec.exited = true;
  if (WIFSIGNALED(status))
    rec.signo = WTERMSIG(status);
  else
    rec.exit_code = WEXITSTATUS(status);
  loop_.unwatch_fd(st.pidfd);
  close(st.pidfd);
  st.pidfd = -1;
  fire(scheduler_.on_agent_exit(rec.node));
  maybe_finish();
}

void Execution::on_output(size_t i, bool err) {
  AgentState& st = agents_[i];
  int fd = err ? st.err_fd : st.out_fd;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EAGAIN: more later
    if (n == 0) {
      loop_.unwatch_fd(fd);
      close(fd);
      (err ? st.err_fd : st.out_fd) = -1;
      return;
    }
    (err ? record.agents[i].err : record.agents[i].out).append(buf, static_cast<size_t>(n));
    for (auto& line : (err ? st.err_lines : st.out_lines).feed(buf, static_cast<size_t>(n)))
      fire(scheduler_.on_output_line(record.agents[i].node, line));
  }
}

void Execution::on_events() {
  for (auto& line : follower_->read_new_lines()) {
    std::string why;
    auto e = parse_event_line(line, &why);
    if (!e) {
      record.bad_event_lines.push_back(line);
      continue;
    }
    handle_event(*e);
  }
}

void Execution::handle_event(const WorkerEvent& e) {
  record.events.push_back(e);
  if (e.ev == "start") {
    if (e.pgid > 1 && e.pgid != getpgrp() && groups_.insert(e.pgid).second)
      guard_.watch_group(e.pgid);
    if (!worker_pidfds_.count(e.pid)) {
      int fd = pidfd_open(e.pid, 0);
      if (fd >= 0) worker_pidfds_[e.pid] = fd;
    }
  } else if (e.ev == "exit") {
    exited_workers_.insert(e.pid);
  }
  fire(scheduler_.on_worker_event(e));
}

void Execution::fire(const std::vector<size_t>& faults) {
  // Output and events read while cleaning up must not start anything new.
  if (finished_) return;
  for (size_t f : faults) {
    double delay = s_.faults[f].when.delay_s;
    bool starts = s_.faults[f].action.kind == Action::Kind::kStartNode;
    if (delay <= 0) {
      apply(f);
      continue;
    }
    if (starts) ++pending_starts_;
    loop_.add_timer(std::chrono::microseconds(static_cast<int64_t>(delay * 1e6)),
                    [this, f, starts] {
                      if (starts) --pending_starts_;
                      if (!finished_) apply(f);
                      maybe_finish();
                    });
  }
}

void Execution::apply(size_t index) {
  const Fault& f = s_.faults[index];
  const Action& a = f.action;
  FaultRecord fr;
  fr.pointer = f.pointer;
  fr.at_ns = now_ns();
  switch (a.kind) {
    case Action::Kind::kSignal: {
      std::string sig = signal_name(a.signo);
      if (a.target == Action::Target::kAgent) {
        fr.what = sig + " to agent " + a.node;
        const AgentRecord* rec = record.agent(a.node);
        if (!rec->pid || rec->exited)
          fr.outcome = "agent " + a.node + " was not running";
        else
          kill(rec->pid, a.signo);
      } else if (a.target == Action::Target::kRank) {
        fr.what = sig + " to rank " + std::to_string(a.rank) + "'s worker";
        const WorkerEvent* latest = nullptr;
        for (auto& e : record.events)
          if (e.ev == "start" && e.role != "grandchild" && e.rank == a.rank) latest = &e;
        if (!latest) {
          fr.outcome = "rank " + std::to_string(a.rank) + " never started";
        } else {
          auto it = worker_pidfds_.find(latest->pid);
          if (it == worker_pidfds_.end() || pidfd_send_signal(it->second, a.signo, nullptr, 0) != 0)
            fr.outcome = "rank " + std::to_string(a.rank) + "'s worker (pid " +
                         std::to_string(latest->pid) + ") was gone";
        }
      } else {
        fr.what = sig + " to all workers";
        int sent = 0;
        for (auto& e : record.events) {
          if (e.ev != "start" || e.role == "grandchild" || exited_workers_.count(e.pid)) continue;
          auto it = worker_pidfds_.find(e.pid);
          if (it != worker_pidfds_.end() && pidfd_send_signal(it->second, a.signo, nullptr, 0) == 0)
            ++sent;
        }
        if (!sent) fr.outcome = "no worker was running";
      }
      break;
    }
    case Action::Kind::kStartNode: {
      fr.what = "start node " + a.node;
      for (size_t i = 0; i < s_.nodes.size(); ++i)
        if (s_.nodes[i].name == a.node) {
          if (record.agents[i].started)
            fr.outcome = "node " + a.node + " had already started";
          else
            start_agent(i);
        }
      break;
    }
    case Action::Kind::kMakeUnwritable: {
      std::string path = ph_.resolve(a.path);
      fr.what = "make " + path + " unwritable";
      fr.outcome = do_make_unwritable(path);
      break;
    }
    case Action::Kind::kSend: {
      std::string to = ph_.resolve(a.address);
      fr.what = "send " + std::to_string(a.bytes.size()) + " byte(s) x" + std::to_string(a.repeat) +
                " to " + to;
      fr.outcome = do_send(a);
      break;
    }
  }
  record.faults.push_back(fr);
}

std::string Execution::do_make_unwritable(const std::string& path) {
  struct stat st {};
  bool exists = lstat(path.c_str(), &st) == 0;
  if (geteuid() != 0) {
    if (!exists) return path + " does not exist";
    if (chmod(path.c_str(), st.st_mode & ~0222 & 07777) != 0)
      return "chmod: " + std::string(strerror(errno));
    return "";
  }
  // Root writes through permission bits, so put something unwritable in the
  // path's place: a file where a directory was or would be (creating entries
  // fails with ENOTDIR) or a directory where a file was (EISDIR).
  if (exists && rename(path.c_str(), (path + ".lc-moved").c_str()) != 0)
    return "rename: " + std::string(strerror(errno));
  if (!exists || S_ISDIR(st.st_mode)) {
    int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
    if (fd < 0) return "create: " + std::string(strerror(errno));
    close(fd);
  } else if (mkdir(path.c_str(), 0555) != 0) {
    return "mkdir: " + std::string(strerror(errno));
  }
  return "";
}

std::string Execution::do_send(const Action& a) {
  std::string to = ph_.resolve(a.address);
  auto colon = to.rfind(':');
  if (colon == std::string::npos) return "address \"" + to + "\" is not host:port";
  std::string host = to.substr(0, colon), port = to.substr(colon + 1);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res)
    return "cannot resolve " + to;
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc = connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0) {
    std::string why = strerror(errno);
    close(fd);
    return "connect " + to + ": " + why;
  }
  // A peer that hangs up on garbage is the launcher doing its job, not a
  // failed fault: only the connect must succeed.
  for (int i = 0; i < a.repeat; ++i) {
    size_t off = 0;
    while (off < a.bytes.size()) {
      ssize_t n = send(fd, a.bytes.data() + off, a.bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    if (off < a.bytes.size()) break;
  }
  close(fd);
  return "";
}

std::vector<ProcInfo> Execution::live_descendants() {
  std::vector<ProcInfo> out;
  for (auto& p : descendants_of(getpid(), read_process_table()))
    if (p.state != 'Z' && p.pid != guard_.pid()) out.push_back(p);
  return out;
}

void Execution::kill_everything() {
  for (int round = 0; round < 10; ++round) {
    auto live = live_descendants();
    if (live.empty()) break;
    for (auto& p : live) kill(p.pid, SIGKILL);
  }
  for (pid_t g : groups_) kill(-g, SIGKILL);
}

void Execution::on_timeout() {
  record.timed_out = true;
  kill_everything();
}

void Execution::maybe_finish() {
  if (finished_ || pending_starts_ > 0) return;
  for (auto& a : record.agents)
    if (a.started && a.exec_error.empty() && !a.exited) return;
  finished_ = true;
  loop_.stop();
}

void Execution::run() {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  guard_.start();
  follower_ = std::make_unique<EventLogFollower>(events_);
  loop_.watch_fd(follower_->fd(), [this](uint32_t) { on_events(); });
  loop_.add_timer(std::chrono::microseconds(static_cast<int64_t>(s_.timeout_s * 1e6)),
                  [this] { on_timeout(); });
  for (auto& [f, secs] : scheduler_.timed()) {
    bool starts = s_.faults[f].action.kind == Action::Kind::kStartNode;
    if (starts) ++pending_starts_;
    size_t index = f;
    loop_.add_timer(std::chrono::microseconds(static_cast<int64_t>(secs * 1e6)),
                    [this, index, starts] {
                      if (starts) --pending_starts_;
                      scheduler_.mark_fired(index);
                      fire({index});
                      maybe_finish();
                    });
  }
  record.start_ns = now_ns();
  for (size_t i = 0; i < s_.nodes.size(); ++i) {
    const NodeSpec& n = s_.nodes[i];
    if (n.held) continue;
    if (n.start_after_s <= 0) {
      start_agent(i);
      continue;
    }
    ++pending_starts_;
    loop_.add_timer(std::chrono::microseconds(static_cast<int64_t>(n.start_after_s * 1e6)),
                    [this, i] {
                      --pending_starts_;
                      if (!finished_) start_agent(i);
                      maybe_finish();
                    });
  }
  maybe_finish();
  if (!finished_) loop_.run();
  after_run();
}

void Execution::after_run() {
  int64_t end = 0;
  for (auto& a : record.agents) end = std::max(end, a.end_ns);
  record.end_ns = end ? end : now_ns();
  on_events();

  // Survivors get a short grace to exit on their own (a launcher may still
  // be reaping), woken by their pidfds rather than by polling.
  auto live = live_descendants();
  if (!live.empty() && !record.timed_out) {
    std::vector<pollfd> fds;
    for (auto& p : live) {
      int fd = pidfd_open(p.pid, 0);
      if (fd >= 0) fds.push_back({fd, POLLIN, 0});
    }
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<int64_t>(opt_.orphan_grace_s * 1e6));
    size_t done = 0;
    while (done < fds.size()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      int n = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
      if (n <= 0) break;
      for (auto& p : fds)
        if (p.fd >= 0 && p.revents) {
          close(p.fd);
          p.fd = -1;
          ++done;
        }
    }
    for (auto& p : fds)
      if (p.fd >= 0) close(p.fd);
    for (auto& p : live_descendants())
      record.survivors.push_back({p.pid, p.ppid, process_cmdline(p.pid)});
  }
  kill_everything();

  // Everyone is dead now: read the consoles to their end.
  std::vector<pollfd> pipes;
  for (auto& st : agents_) {
    for (int fd : {st.out_fd, st.err_fd})
      if (fd >= 0) pipes.push_back({fd, POLLIN, 0});
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!pipes.empty() && std::chrono::steady_clock::now() < deadline) {
    if (poll(pipes.data(), pipes.size(), 200) <= 0) break;
    std::vector<pollfd> still;
    for (auto& p : pipes) {
      bool open_still = true;
      if (p.revents)
        for (size_t i = 0; i < agents_.size(); ++i) {
          if (agents_[i].out_fd == p.fd || agents_[i].err_fd == p.fd) {
            bool err = agents_[i].err_fd == p.fd;
            on_output(i, err);
            open_still = (err ? agents_[i].err_fd : agents_[i].out_fd) >= 0;
            break;
          }
        }
      if (open_still) still.push_back({p.fd, POLLIN, 0});
    }
    pipes = still;
  }
  for (auto& st : agents_) {
    for (int fd : {st.out_fd, st.err_fd})
      if (fd >= 0) close(fd);
    if (st.pidfd >= 0) close(st.pidfd);
  }

  for (auto& line : follower_->read_rest()) {
    std::string why;
    auto e = parse_event_line(line, &why);
    if (e)
      record.events.push_back(*e);
    else
      record.bad_event_lines.push_back(line);
  }
  for (auto& [pid, fd] : worker_pidfds_) close(fd);

  guard_.goodbye();
  // Reap every child: agents killed at the timeout, adopted orphans.
  for (size_t i = 0; i < agents_.size(); ++i) {
    AgentRecord& rec = record.agents[i];
    if (rec.pid && !rec.exited) {
      int status = 0;
      if (waitpid(rec.pid, &status, 0) == rec.pid) {
        rec.exited = true;
        rec.end_ns = now_ns();
        if (WIFSIGNALED(status))
          rec.signo = WTERMSIG(status);
        else
          rec.exit_code = WEXITSTATUS(status);
      }
    }
  }
  while (waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

ScenarioResult run_scenario(const Scenario& s, const Profile& p, const RunOptions& opt) {
  auto t0 = std::chrono::steady_clock::now();
  ScenarioResult r;
  r.id = s.id;
  r.file = s.file;
  r.profile = p.name;
  std::string self = opt.self.empty() ? "launchcheck" : opt.self;
  // build/bin/launchcheck finds build/ by itself; say so only when it differs.
  if (!opt.self.empty() &&
      fs::path(opt.self).parent_path().parent_path() != fs::path(opt.build_dir))
    self += " --build-dir " + shell_quote(opt.build_dir);
  r.reproduce.push_back(self + " run --profile " + shell_quote(p.file) + " " +
                        shell_quote(fs::absolute(s.file).lexically_normal().string()));
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  std::string why = skip_reason(s, p);
  if (!why.empty()) {
    r.status = "skip";
    r.reason = why;
    return r;
  }

  std::string safe_id = s.id;
  for (auto& c : safe_id)
    if (c == '/') c = '.';
  fs::create_directories(opt.artifacts_dir);
  std::string templ = opt.artifacts_dir + "/" + safe_id + "-XXXXXX";
  if (!mkdtemp(templ.data())) {
    r.status = "error";
    r.reason = "cannot create a run directory in " + opt.artifacts_dir + ": " + strerror(errno);
    return r;
  }
  std::string run_dir = templ;
  std::string tmp = run_dir + "/tmp", events = run_dir + "/events.jsonl";
  fs::create_directories(tmp);
  write_file(events, "");

  std::string abs_dir = fs::absolute(s.dir).lexically_normal().string();
  Placeholders ph({{"tmp", tmp},
                   {"rdzv_id", "lc" + random_hex(12)},
                   {"fixture", opt.build_dir + "/bin/lc_worker"},
                   {"python_fixture", opt.build_dir + "/bin/lc_worker.py"},
                   {"shell_fixture", opt.build_dir + "/bin/lc_worker.sh"},
                   {"scenario_dir", abs_dir},
                   {"build", opt.build_dir},
                   {"cpus", std::to_string(sysconf(_SC_NPROCESSORS_ONLN))}});
  Execution ex(s, p, opt, ph, tmp, events);
  try {
    ex.prepare();
  } catch (const std::exception& e) {
    r.status = "error";
    r.reason = e.what();
    r.seconds = elapsed();
    std::error_code ec;
    fs::remove_all(run_dir, ec);
    return r;
  }
  ex.record.timeout_s = s.timeout_s;
  ex.run();
  for (auto& line : ex.reproduce_lines()) r.reproduce.push_back(line);

  try {
    r.failures = run_checks(s, ex.record, ph);
  } catch (const std::exception& e) {
    r.failures.push_back({"checks", "checks that can be evaluated", e.what()});
  }
  for (auto& a : ex.record.agents) {
    write_file(run_dir + "/" + a.node + ".stdout", a.out);
    write_file(run_dir + "/" + a.node + ".stderr", a.err);
  }
  if (!opt.trace_dir.empty()) {
    fs::create_directories(opt.trace_dir);
    write_file(opt.trace_dir + "/" + safe_id + ".trace.json", build_trace(s, ex.record).dump());
  }

  auto xfail = p.xfail_reason(s.id);
  if (r.failures.empty()) {
    r.status = xfail ? "xpass" : "pass";
    if (xfail)
      r.reason = "expected to fail (" + *xfail + ") but passed: update the expectations file";
  } else {
    r.status = xfail ? "xfail" : "fail";
    if (xfail) r.reason = *xfail;
  }
  r.seconds = elapsed();
  if (ex.record.end_ns > ex.record.start_ns)
    r.launcher_seconds = (ex.record.end_ns - ex.record.start_ns) / 1e9;
  // Keep what someone must look at; a known failure is already explained.
  if ((r.status == "pass" || r.status == "xfail") && !opt.keep_artifacts) {
    std::error_code ec;
    fs::remove_all(run_dir, ec);
  } else {
    r.artifacts = run_dir;
  }
  return r;
}
