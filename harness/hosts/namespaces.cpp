#include "namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace launchcheck {

namespace {

[[noreturn]] void fail(const std::string& what, int err = errno) {
  throw std::system_error(err, std::generic_category(), what);
}

// Puts this thread back into the namespaces it started in, whatever
// happens after the unshare.
class Return {
 public:
  explicit Return(int flags) {
    if (flags & CLONE_NEWNET) net_ = open_namespace("net");
    if (flags & CLONE_NEWUTS) uts_ = open_namespace("uts");
  }
  ~Return() noexcept(false) {
    bool ok = (net_.get() < 0 || setns(net_.get(), CLONE_NEWNET) == 0) &&
              (uts_.get() < 0 || setns(uts_.get(), CLONE_NEWUTS) == 0);
    // Staying in a simulated host would put the runner's own sockets there.
    if (!ok && !std::uncaught_exceptions()) fail("setns back to the runner's namespaces");
  }

 private:
  Fd net_, uts_;
};

// "/proc/self/fd/<fd>" into `out` without allocating (in a forked child).
void fd_path(int fd, char (&out)[40]) {
  const char prefix[] = "/proc/self/fd/";
  char digits[12];
  int n = 0;
  do digits[n++] = static_cast<char>('0' + fd % 10);
  while ((fd /= 10) > 0);
  size_t i = 0;
  for (; prefix[i]; ++i) out[i] = prefix[i];
  while (n) out[i++] = digits[--n];
  out[i] = 0;
}

// The child's steps; 0 when every one worked, else the errno.
int enter_new_mount_namespace(const char* hosts_file, int net_fd) {
  if (setns(net_fd, CLONE_NEWNET) != 0 || unshare(CLONE_NEWNS) != 0 ||
      mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return errno;
  // Taken inside the new namespace: a mount of another one cannot be bound.
  int cgroup = open("/sys/fs/cgroup", O_PATH | O_CLOEXEC);
  if (mount(hosts_file, "/etc/hosts", nullptr, MS_BIND, nullptr) != 0 ||
      mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return errno;
  if (cgroup >= 0) {
    char path[40];
    fd_path(cgroup, path);
    if (mount(path, "/sys/fs/cgroup", nullptr, MS_BIND | MS_REC, nullptr) != 0) return errno;
  }
  return 0;
}

}  // namespace

Fd open_namespace(const std::string& kind) {
  std::string path = "/proc/thread-self/ns/" + kind;
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail("open " + path);
  return fd;
}

unsigned long namespace_inode(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) fail("fstat of a namespace");
  return st.st_ino;
}

bool namespace_held(const std::string& link) {
  std::error_code ec;
  auto is_it = [&](const std::filesystem::path& p) {
    char buf[64];
    ssize_t n = readlink(p.c_str(), buf, sizeof buf);
    return n > 0 && link == std::string(buf, static_cast<size_t>(n));
  };
  for (auto& proc : std::filesystem::directory_iterator("/proc", ec)) {
    std::string pid = proc.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code dec;
    for (auto& ns : std::filesystem::directory_iterator(proc.path() / "ns", dec))
      if (is_it(ns.path())) return true;
    for (auto& fd : std::filesystem::directory_iterator(proc.path() / "fd", dec))
      if (is_it(fd.path())) return true;
  }
  return false;
}

NetNamespace make_net_namespace(const std::string& hostname) {
  int flags = CLONE_NEWNET | (hostname.empty() ? 0 : CLONE_NEWUTS);
  NetNamespace ns;
  Return back(flags);
  // Stop here when it fails: every later step would act on the runner's
  // own namespaces.
  if (unshare(flags) != 0) fail("unshare(CLONE_NEWNET|CLONE_NEWUTS)");
  if (!hostname.empty() && sethostname(hostname.data(), hostname.size()) != 0)
    fail("sethostname " + hostname);
  ns.net = open_namespace("net");
  if (!hostname.empty()) ns.uts = open_namespace("uts");
  ns.sockets = NetSockets::make();
  link_up(ns.sockets, "lo", true);  // down in a new namespace
  return ns;
}

Fd make_mount_namespace(const std::string& hosts_file, int net_fd) {
  int ready[2], done[2];
  if (pipe2(ready, O_CLOEXEC) != 0) fail("pipe");
  if (pipe2(done, O_CLOEXEC) != 0) {
    close(ready[0]);
    close(ready[1]);
    fail("pipe");
  }
  pid_t child = fork();
  if (child == 0) {
    close(done[1]);  // else read() below never sees EOF
    int err = enter_new_mount_namespace(hosts_file.c_str(), net_fd);
    ssize_t ignored = write(ready[1], &err, sizeof err);
    char c;
    ignored = read(done[0], &c, 1);  // EOF: the parent holds the namespace
    (void)ignored;
    _exit(0);
  }
  int err = child < 0 ? errno : EIO;
  Fd mnt;
  if (child > 0 && read(ready[0], &err, sizeof err) == sizeof err && err == 0)
    mnt = Fd(open(("/proc/" + std::to_string(child) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
  if (err == 0 && mnt.get() < 0) err = errno;
  for (int fd : {ready[0], ready[1], done[0], done[1]}) close(fd);
  if (child > 0) waitpid(child, nullptr, 0);
  if (err) fail("mount namespace with /etc/hosts from " + hosts_file, err);
  return mnt;
}

}  // namespace launchcheck
