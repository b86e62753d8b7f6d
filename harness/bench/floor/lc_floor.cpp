// lc_floor: the floor of `launchcheck bench` (issue 15), the cost no
// launcher can go under on this machine. It starts N workers the cheapest way
// Linux allows (vfork: no copy of our pages, what posix_spawn does inside),
// with only the variables the fixture reads, and waits for them. Like any
// launcher it takes its workers with it when it dies (a parent-death signal,
// one system call in the child), so a SIGKILLed floor leaves nothing.
// Just enough logic for the bench cases to end as they do under a launcher:
// a failed worker stops the others at once (SIGKILL, no grace) and, with
// --max-restarts left, every worker starts again; SIGTERM/SIGINT go to the
// workers; --tee copies each worker's stdout to ours through a pipe, byte for
// byte (the copy a tee cannot avoid, without prefixes: a `cat`). Everything
// refrun does beyond this is what it costs over the floor. Not a launcher: no
// rendezvous, no logs, no error files; other options are accepted and ignored.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Options {
  int nproc = 1;
  int max_restarts = 0;
  bool tee = false;
  std::vector<char*> argv;  // the worker's, null-terminated
};

[[noreturn]] void die(const std::string& why) {
  fprintf(stderr, "lc_floor: %s\n", why.c_str());
  exit(2);
}

int parse_int(const std::string& name, const char* value, int lo, int hi) {
  char* end = nullptr;
  errno = 0;
  long v = value ? strtol(value, &end, 10) : 0;
  if (!value || errno || end == value || *end || v < lo || v > hi)
    die("--" + name + " needs a whole number " + std::to_string(lo) + ".." + std::to_string(hi));
  return static_cast<int>(v);
}

// torchrun's spellings (dash or underscore, --name=value): the launch
// options the bench passes; the worker program is the first non-option.
Options parse(int argc, char** argv) {
  Options o;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; ++i) {
    if (argv[i][2] == '\0') {
      ++i;
      break;
    }
    std::string arg = argv[i] + 2;
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    const char* value = eq == std::string::npos ? nullptr : argv[i] + 2 + eq + 1;
    for (auto& c : name)
      if (c == '_') c = '-';
    if (name == "nproc-per-node")
      o.nproc = parse_int(name, value, 1, 65536);
    else if (name == "max-restarts")
      o.max_restarts = parse_int(name, value, 0, 1000000);
    else if (name == "tee")
      o.tee = parse_int(name, value, 0, 3) != 0;
  }
  if (i >= argc) die("no worker program (usage: lc_floor [--nproc-per-node=N] [...] PROGRAM [ARGS])");
  o.argv.assign(argv + i, argv + argc);
  o.argv.push_back(nullptr);
  return o;
}

struct Worker {
  pid_t pid = -1;
  int out = -1;  // --tee: the read end of its stdout
};

// The variables set here for each worker (what lc_worker reads); ours are
// passed on without them.
constexpr const char* kWorkerVars[] = {"RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE",
                                       "TORCHELASTIC_RESTART_COUNT"};

std::vector<std::string> worker_vars(int rank, int n, int attempt) {
  const int values[] = {rank, rank, n, n, attempt};
  std::vector<std::string> out;
  for (size_t i = 0; i < std::size(kWorkerVars); ++i)
    out.push_back(std::string(kWorkerVars[i]) + "=" + std::to_string(values[i]));
  return out;
}

bool overridden(const char* entry) {
  for (const char* name : kWorkerVars) {
    size_t len = strlen(name);
    if (strncmp(entry, name, len) == 0 && entry[len] == '=') return true;
  }
  return false;
}

// vfork's child runs on our memory until execve: it only makes system calls
// (no allocation, no return from this frame) and ends in execve or _exit.
pid_t spawn_one(char* const* argv, char* const* env, pid_t parent, int out_fd) {
  sigset_t none;
  sigemptyset(&none);
  pid_t pid = vfork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // we died before the line above
  if (out_fd >= 0) dup2(out_fd, 1);      // dup2 clears close-on-exec on 1
  sigprocmask(SIG_SETMASK, &none, nullptr);  // we block SIGCHLD/TERM/INT; it must not
  execvpe(argv[0], argv, env);
  const char* msg[] = {"lc_floor: cannot start ", argv[0], "\n"};
  for (const char* m : msg) (void)!write(2, m, strlen(m));
  _exit(127);
}

std::vector<Worker> start_all(const Options& o, int attempt) {
  std::vector<char*> base;
  for (char** e = environ; *e; ++e)
    if (!overridden(*e)) base.push_back(*e);
  pid_t self = getpid();
  std::vector<Worker> out(o.nproc);
  for (int r = 0; r < o.nproc; ++r) {
    std::vector<std::string> vars = worker_vars(r, o.nproc, attempt);
    std::vector<char*> env = base;
    for (auto& v : vars) env.push_back(v.data());
    env.push_back(nullptr);
    int pipefd[2] = {-1, -1};
    if (o.tee && pipe2(pipefd, O_CLOEXEC) != 0) die(std::string("pipe: ") + strerror(errno));
    out[r].pid = spawn_one(o.argv.data(), env.data(), self, pipefd[1]);
    if (o.tee) {
      close(pipefd[1]);
      out[r].out = pipefd[0];
    }
    if (out[r].pid < 0) die(std::string("cannot start ") + o.argv[0] + ": " + strerror(errno));
  }
  return out;
}

void write_all(const char* p, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // our console is gone: keep reaping all the same
    p += w;
    n -= w;
  }
}

// Copies what is there on a worker's pipe to our stdout; false at EOF.
bool copy_some(int fd) {
  static char buf[1 << 16];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) return false;
  write_all(buf, n);
  return true;
}

void signal_live(std::vector<Worker>& ws, int sig) {
  for (auto& w : ws)
    if (w.pid > 0) kill(w.pid, sig);
}

// One attempt: 0 when every worker exited 0, 1 when one failed (the others
// are SIGKILLed at once), 128+SIG when SIGTERM/SIGINT arrived.
int run_attempt(const Options& o, int attempt, int sfd) {
  std::vector<Worker> ws = start_all(o, attempt);
  int live = o.nproc, open_pipes = o.tee ? o.nproc : 0, result = 0;
  std::vector<pollfd> fds;
  while (live > 0 || open_pipes > 0) {
    fds.assign(1, {sfd, POLLIN, 0});
    for (auto& w : ws)
      if (w.out >= 0) fds.push_back({w.out, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) die("poll failed");
    for (size_t k = 1; k < fds.size(); ++k) {
      if (!fds[k].revents) continue;
      if (copy_some(fds[k].fd)) continue;
      for (auto& w : ws)
        if (w.out == fds[k].fd) w.out = -1;
      close(fds[k].fd);
      --open_pipes;
    }
    if (!(fds[0].revents & POLLIN)) continue;
    signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != sizeof si) continue;
    if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
      if (result < 128) result = 128 + static_cast<int>(si.ssi_signo);
      signal_live(ws, static_cast<int>(si.ssi_signo));
      continue;
    }
    int status = 0;
    for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
      for (auto& w : ws)
        if (w.pid == pid) w.pid = -1;
      --live;
      bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (!ok && result == 0) {
        result = 1;
        signal_live(ws, SIGKILL);
      }
    }
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  sigset_t handled;
  sigemptyset(&handled);
  for (int s : {SIGCHLD, SIGTERM, SIGINT}) sigaddset(&handled, s);
  sigprocmask(SIG_BLOCK, &handled, nullptr);
  int sfd = signalfd(-1, &handled, SFD_CLOEXEC);
  if (sfd < 0) die(std::string("signalfd: ") + strerror(errno));
  for (int attempt = 0;; ++attempt) {
    int r = run_attempt(o, attempt, sfd);
    if (r != 1 || attempt >= o.max_restarts) return r;
  }
}
