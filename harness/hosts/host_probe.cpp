#include "host_probe.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "host_network.h"

namespace launchcheck {

namespace {

std::string why(const std::system_error& e) {
  std::string hint;
  int err = e.code().value();
  std::string what = e.what();
  if ((err == EPERM || err == EACCES) && what.rfind("unshare", 0) == 0)
    hint = " (needs root, or CAP_SYS_ADMIN, to make namespaces)";
  else if (err == EPERM || err == EACCES)
    hint = " (needs CAP_NET_ADMIN)";
  else if (err == EOPNOTSUPP || err == ENODEV || err == ENOPKG)
    hint = " (kernel without veth or bridge support)";
  return what + hint;
}

std::string probe() {
  char dir[] = "/tmp/lc-hosts-probe-XXXXXX";
  if (!mkdtemp(dir)) return std::string("cannot make a probe directory: ") + strerror(errno);
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return std::string("pipe: ") + strerror(errno);
  pid_t child = fork();
  if (child == 0) {
    close(pipefd[0]);
    std::string out;
    try {
      // In namespaces of its own first, so nothing can touch the machine's
      // even if a later step misbehaves; they die with the child.
      if (unshare(CLONE_NEWNET | CLONE_NEWUTS) != 0)
        throw std::system_error(errno, std::generic_category(),
                                "unshare(CLONE_NEWNET|CLONE_NEWUTS)");
      HostNetwork net({"probe"}, dir);
    } catch (const std::system_error& e) {
      out = why(e);
    } catch (const std::exception& e) {
      out = e.what();
    }
    ssize_t ignored = write(pipefd[1], out.data(), out.size());
    (void)ignored;
    _exit(0);
  }
  close(pipefd[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while (child > 0 && (n = read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, n);
  close(pipefd[0]);
  int status = 0;
  if (child > 0) waitpid(child, &status, 0);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (child < 0) return std::string("fork: ") + strerror(errno);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "the probe for hosts crashed";
  return out.empty() ? "" : "this machine cannot make simulated hosts: " + out;
}

}  // namespace

std::string hosts_unavailable_reason() {
  static const std::string reason = probe();
  return reason;
}

}  // namespace launchcheck
