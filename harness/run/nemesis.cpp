#include "nemesis.h"

#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/process.h"
#include "common/signal_names.h"

namespace launchcheck {

std::string make_unwritable(const std::string& path) {
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

std::string send_bytes(const std::string& to, const std::string& bytes, int repeat) {
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
  for (int i = 0; i < repeat; ++i) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    if (off < bytes.size()) break;
  }
  close(fd);
  return "";
}

Nemesis::~Nemesis() {
  for (auto& [pid, fd] : pidfds_) close(fd);
}

void Nemesis::on_worker_event(const WorkerEvent& e) {
  if (e.ev == "exit") exited_.insert(e.pid);
  if (e.ev != "start" || e.role == "grandchild") return;
  started_.push_back({e.pid, e.rank});
  if (!pidfds_.count(e.pid)) {
    int fd = common::open_pidfd(e.pid);
    if (fd >= 0) pidfds_[e.pid] = fd;
  }
}

std::string Nemesis::signal_agent(const std::string& node, int signo) {
  int pid = agents_.running_pid(node);
  if (!pid) return "agent " + node + " was not running";
  kill(pid, signo);
  return "";
}

std::string Nemesis::signal_rank(int rank, int signo) {
  const Worker* latest = nullptr;
  for (auto& w : started_)
    if (w.rank == rank) latest = &w;
  if (!latest) return "rank " + std::to_string(rank) + " never started";
  auto it = pidfds_.find(latest->pid);
  if (it == pidfds_.end() || !common::signal_pidfd(it->second, signo))
    return "rank " + std::to_string(rank) + "'s worker (pid " + std::to_string(latest->pid) +
           ") was gone";
  return "";
}

std::string Nemesis::signal_workers(int signo) {
  int sent = 0;
  for (auto& w : started_) {
    if (exited_.count(w.pid)) continue;
    auto it = pidfds_.find(w.pid);
    if (it != pidfds_.end() && common::signal_pidfd(it->second, signo)) ++sent;
  }
  return sent ? "" : "no worker was running";
}

FaultRecord Nemesis::apply(const ResolvedFault& f, int64_t at_ns) {
  const Action& a = f.action;
  FaultRecord fr;
  fr.pointer = f.pointer;
  fr.at_ns = at_ns;
  std::string sig = common::signal_name(a.signo);
  switch (a.kind) {
    case Action::Kind::kSignal:
      if (a.target == Action::Target::kAgent) {
        fr.what = sig + " to agent " + a.node;
        fr.outcome = signal_agent(a.node, a.signo);
      } else if (a.target == Action::Target::kRank) {
        fr.what = sig + " to rank " + std::to_string(a.rank) + "'s worker";
        fr.outcome = signal_rank(a.rank, a.signo);
      } else {
        fr.what = sig + " to all workers";
        fr.outcome = signal_workers(a.signo);
      }
      break;
    case Action::Kind::kStartNode:
      fr.what = "start node " + a.node;
      fr.outcome = agents_.start(a.node);
      break;
    case Action::Kind::kMakeUnwritable:
      fr.what = "make " + a.path + " unwritable";
      fr.outcome = make_unwritable(a.path);
      break;
    case Action::Kind::kSend:
      fr.what = "send " + std::to_string(a.bytes.size()) + " byte(s) x" + std::to_string(a.repeat) +
                " to " + a.address;
      fr.outcome = send_bytes(a.address, a.bytes, a.repeat);
      break;
  }
  return fr;
}

}  // namespace launchcheck
