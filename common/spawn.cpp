// The spawn on Boost.Process v2. Everything the child needs is prepared here
// in the parent; between fork and exec the child only reads it and makes
// async-signal-safe system calls. With vfork the child runs on the parent's
// memory and stack until execve: it must not return from the launcher's
// frame, allocate, or run handlers, which is why every signal is blocked
// around the launch and why failures end in _exit, never exit().
#ifdef BOOST_PROCESS_USE_STD_FS
#error "Boost.Process 1.81 does not compile with BOOST_PROCESS_USE_STD_FS"
#endif

#include "common/spawn.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/process/v2/posix/default_launcher.hpp>
#include <boost/process/v2/posix/fork_and_forget_launcher.hpp>
#include <boost/process/v2/posix/vfork_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <cerrno>
#include <climits>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <type_traits>

#include "common/process_guard.h"

namespace common {

namespace {

namespace bp = boost::process::v2;

constexpr size_t kMaxKeep = 64;

void write_str(int fd, const char* s) {
  ssize_t ignored = write(fd, s, strlen(s));
  (void)ignored;
}

// Closes every descriptor except the sorted, duplicate-free `keep` list.
// (The library's own close_all has a bug that leaves the gaps between kept
// descriptors open; see README.md.)
void close_all_except(const int* keep, size_t n) {
  int from = 0;
  for (size_t i = 0; i <= n; ++i) {
    int to = i < n ? keep[i] - 1 : INT_MAX;
    if (from <= to && syscall(SYS_close_range, from, to, 0) != 0) {
      // No close_range (Linux < 5.9): close one by one up to the limit.
      rlimit lim{};
      int last = getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < 65536
                     ? static_cast<int>(lim.rlim_cur) - 1
                     : 65535;
      for (int fd = from; fd <= std::min(to, last); ++fd) close(fd);
    }
    if (i < n) from = keep[i] + 1;
  }
}

// "+<pid>\n" without allocating.
void register_with_guard(int fd, pid_t pid) {
  char buf[24];
  char* p = buf + sizeof buf;
  *--p = '\n';
  do *--p = static_cast<char>('0' + pid % 10);
  while ((pid /= 10) > 0);
  *--p = '+';
  // MSG_NOSIGNAL: a dead guard must not kill the child with SIGPIPE.
  ssize_t ignored = send(fd, p, static_cast<size_t>(buf + sizeof buf - p), MSG_NOSIGNAL);
  (void)ignored;
}

// How a failed step reads: "<words><object>: <strerror>", in the child's
// message and in describe_exec_error() alike. Async-signal-safe.
const char* step_words(SpawnStep step) {
  switch (step) {
    case SpawnStep::kProcessGroup:
      return "cannot setpgid";
    case SpawnStep::kStdio:
      return "cannot install stdio";
    case SpawnStep::kChdir:
      return "cannot chdir to ";
    case SpawnStep::kNone:
    case SpawnStep::kExec:
      break;
  }
  return "cannot exec ";
}

const char* step_object(SpawnStep step, const SpawnOptions& o) {
  if (step == SpawnStep::kChdir) return o.cwd.c_str();
  if (step == SpawnStep::kNone || step == SpawnStep::kExec) return o.program.c_str();
  return "";
}

// The initializer handed to the Boost.Process launcher: on_setup runs in the
// parent before the fork, on_exec_setup and on_exec_error in the child.
class ChildSetup {
 public:
  // `step_slot`: where the child notes the step that failed, in memory the
  // parent reads after the launch (its own with vfork, a shared page with
  // fork).
  ChildSetup(const SpawnOptions& o, const sigset_t& parent_mask, volatile SpawnStep* step_slot)
      : o_(o), parent_(getpid()), parent_mask_(parent_mask), step_slot_(step_slot) {
    if (o.argv.empty()) argv_.push_back(o.program.c_str());
    for (const auto& a : o.argv) argv_.push_back(a.c_str());
    argv_.push_back(nullptr);
    if (o.env) {
      for (const auto& e : *o.env) envp_.push_back(e.c_str());
      envp_.push_back(nullptr);
    }
    guard_fd_ = o.guard ? o.guard->channel_fd() : -1;
  }

  const char** argv() { return argv_.data(); }

  template <class Launcher>
  bp::error_code on_setup(Launcher& l, const bp::filesystem::path&, const char* const*&) {
    if (o_.env) l.env = envp_.data();
    for (int fd : o_.keep_fds) l.fd_whitelist.push_back(fd);
    return {};
  }

  // In the child. Returns an error (errno set) when a step failed.
  template <class Launcher>
  bp::error_code on_exec_setup(Launcher& l, const bp::filesystem::path&, const char* const*&) {
    if (!prepare_child(l.fd_whitelist)) return bp::error_code(errno, bp::system_category());
    return {};
  }

  // In the child, after a failed step or execve. Boost 1.81 detects this
  // hook with a five-argument expression but calls it with four
  // (default_launcher.hpp, invoke_on_exec_error): only a variadic template
  // satisfies both. Without it the library would call exit(), which in a
  // vfork child runs the parent's atexit handlers on the parent's memory.
  template <class... Args>
  void on_exec_error(Args&&...) {
    int err = errno;
    if (!o_.exec_error_prefix.empty()) {
      write_str(2, o_.exec_error_prefix.c_str());
      SpawnStep step = *step_slot_;
      write_str(2, step_words(step));
      write_str(2, step_object(step, o_));
      write_str(2, ": ");
      write_str(2, strerror(err));
      write_str(2, "\n");
    }
    _exit(127);
  }

 private:
  const SpawnOptions& o_;
  pid_t parent_;
  sigset_t parent_mask_;
  volatile SpawnStep* step_slot_;
  int guard_fd_ = -1;
  std::vector<const char*> argv_;
  std::vector<const char*> envp_;

  bool fail(SpawnStep step) {
    *step_slot_ = step;
    return false;
  }

  // Group, parent death, guard, signals, limits, stdio, cwd, descriptors:
  // in that order, so the child is guarded before anything can fail.
  bool prepare_child(const std::vector<int>& whitelist) {
    if (o_.new_process_group && setpgid(0, 0) != 0) return fail(SpawnStep::kProcessGroup);
    if (o_.parent_death_signal) {
      prctl(PR_SET_PDEATHSIG, o_.parent_death_signal);
      // The parent may have died before prctl took effect; then nobody
      // would ever send the signal.
      if (getppid() != parent_) _exit(127);
    }
    if (guard_fd_ >= 0) register_with_guard(guard_fd_, getpid());
    reset_signals();
    if (o_.nofile_limit) setrlimit(RLIMIT_NOFILE, &*o_.nofile_limit);
    if (!install_stdio()) return fail(SpawnStep::kStdio);
    if (!o_.cwd.empty() && chdir(o_.cwd.c_str()) != 0)
      return fail(SpawnStep::kChdir);
    close_descriptors(whitelist);
    return true;
  }

  // dup2 in order 0, 1, 2 would clobber a source that is itself one of
  // 0-2 (stderr_fd = 1 after stdout_fd was installed): such sources are
  // moved above 2 first.
  bool install_stdio() {
    int src[3] = {o_.stdin_fd, o_.stdout_fd, o_.stderr_fd};
    for (int t = 0; t < 3; ++t)
      if (src[t] >= 0 && src[t] <= 2 && src[t] != t &&
          (src[t] = fcntl(src[t], F_DUPFD_CLOEXEC, 3)) < 0)
        return false;
    for (int t = 0; t < 3; ++t) {
      if (src[t] < 0) continue;
      if (src[t] == t ? fcntl(t, F_SETFD, 0) < 0 : dup2(src[t], t) < 0) return false;
    }
    return true;
  }

  void reset_signals() {
    // A vfork child shares the parent's memory but not its signal table:
    // changing dispositions here leaves the parent's alone.
    for (int s = 1; s < NSIG; ++s) {
      if (s == SIGKILL || s == SIGSTOP) continue;
      if (o_.reset_signals) {
        signal(s, SIG_DFL);  // fails for glibc's reserved signals: fine
        continue;
      }
      // Keep ignored signals; a handler must never run here (in a vfork
      // child it would run on the parent's memory), and exec resets handled
      // signals to default anyway.
      struct sigaction old {};
      if (sigaction(s, nullptr, &old) == 0 && old.sa_handler != SIG_DFL &&
          old.sa_handler != SIG_IGN)
        signal(s, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, o_.reset_signals ? &none : &parent_mask_, nullptr);
  }

  void close_descriptors(const std::vector<int>& whitelist) {
    // The library's list holds 0-2, keep_fds and (fork launcher) its own
    // error pipe. Sorted into a stack array: no allocation here.
    int keep[kMaxKeep + 8];
    size_t n = 0;
    for (int fd : whitelist)
      if (fd >= 0 && n < sizeof keep / sizeof keep[0]) keep[n++] = fd;
    std::sort(keep, keep + n);
    n = static_cast<size_t>(std::unique(keep, keep + n) - keep);
    for (int fd : o_.keep_fds) fcntl(fd, F_SETFD, 0);  // survive the exec
    close_all_except(keep, n);
  }
};

// Blocks every signal in this thread for the launch, so no handler can run
// in a vfork child (on the parent's memory); restores the mask after.
class SignalBlock {
 public:
  SignalBlock() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old_);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  const sigset_t& old() const { return old_; }

 private:
  sigset_t old_;
};

template <class Launcher>
pid_t launch(ChildSetup& setup, const std::string& program, bp::error_code& ec) {
  // The launcher calls notify_fork(fork_child) in the child, and an asio
  // reactor that exists then recreates its epoll and timer fds there. A
  // forked child does that in its own memory (a few system calls); a vfork
  // child would write the new numbers into the parent's reactor (README.md),
  // so vfork gets a fresh context, which has no reactor yet. (A fresh one
  // per fork would cost the parent ~50 us each: a reactor every time.)
  constexpr bool kShared = !std::is_same_v<Launcher, bp::posix::vfork_launcher>;
  thread_local boost::asio::io_context shared;
  std::optional<boost::asio::io_context> fresh;
  if (!kShared) fresh.emplace();
  auto executor = kShared ? shared.get_executor() : fresh->get_executor();
  Launcher launcher;
  auto proc = launcher(executor, ec, bp::filesystem::path(program), setup.argv(), setup);
  // The library's handle keeps its own pidfd inside an asio descriptor that
  // 1.81 gives no access to (basic_process::native_handle() does not
  // compile on Linux): the caller opens its own. detach() so the handle's
  // destructor does not kill the child.
  proc.detach();
  return launcher.pid;
}

// Where a fork child notes its failed step: an anonymous shared page, as
// the child's writes to its own memory never reach the parent. (A vfork
// child writes into the parent's memory; fork_and_forget reports nothing.)
class SharedStep {
 public:
  explicit SharedStep(bool shared) {
    if (!shared) return;
    void* page = mmap(nullptr, sizeof(SpawnStep), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page != MAP_FAILED) shared_ = new (page) SpawnStep(SpawnStep::kNone);
  }
  ~SharedStep() {
    if (shared_) munmap(const_cast<SpawnStep*>(shared_), sizeof(SpawnStep));
  }
  SharedStep(const SharedStep&) = delete;
  SharedStep& operator=(const SharedStep&) = delete;
  volatile SpawnStep* slot() { return shared_ ? shared_ : &own_; }

 private:
  volatile SpawnStep own_ = SpawnStep::kNone;
  volatile SpawnStep* shared_ = nullptr;
};

void validate(const SpawnOptions& o) {
  if (o.program.empty()) throw std::invalid_argument("spawn: no program");
  if (o.guard && !o.new_process_group)
    throw std::invalid_argument("spawn: a guarded child needs its own process group");
  if (o.keep_fds.size() > kMaxKeep) throw std::invalid_argument("spawn: too many keep_fds");
}

}  // namespace

Process spawn(const SpawnOptions& o) {
  validate(o);
  bp::error_code ec;
  pid_t pid = -1;
  SharedStep step(o.launcher == SpawnOptions::Launcher::kFork);
  {
    SignalBlock block;
    ChildSetup setup(o, block.old(), step.slot());
    switch (o.launcher) {
      case SpawnOptions::Launcher::kVfork:
        pid = launch<bp::posix::vfork_launcher>(setup, o.program, ec);
        break;
      case SpawnOptions::Launcher::kFork:
        pid = launch<bp::posix::default_launcher>(setup, o.program, ec);
        break;
      case SpawnOptions::Launcher::kForkNoWait:
        pid = launch<bp::posix::fork_and_forget_launcher>(setup, o.program, ec);
        break;
    }
  }
  if (pid <= 0)
    throw std::system_error(ec ? ec.value() : errno, std::generic_category(),
                            "cannot start " + o.program);
  // Without the wait for exec the child may not have run setpgid yet: a
  // kill(-pid) right now would miss it. Both sides set it; whichever comes
  // second is a no-op (or EACCES once the child has exec'd).
  if (o.new_process_group && o.launcher == SpawnOptions::Launcher::kForkNoWait) setpgid(pid, pid);
  int pidfd = open_pidfd(pid);
  if (pidfd < 0) {
    int err = errno;
    kill(pid, SIGKILL);
    siginfo_t info;
    waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED);
    throw std::system_error(err, std::generic_category(), "pidfd_open");
  }
  if (o.guard) o.guard->adopt(pid);
  // ec after a child exists: the start failed in the child (it exits 127),
  // at execve unless a step before it said otherwise.
  SpawnStep failed = SpawnStep::kNone;
  if (ec) failed = *step.slot() == SpawnStep::kNone ? SpawnStep::kExec : *step.slot();
  return Process(pid, pidfd, ec ? ec.value() : 0, failed);
}

std::string describe_exec_error(const SpawnOptions& options, const Process& p) {
  if (!p.exec_error()) return "";
  SpawnStep step = p.exec_error_step();
  return std::string(step_words(step)) + step_object(step, options) + ": " +
         std::strerror(p.exec_error());
}

}  // namespace common
