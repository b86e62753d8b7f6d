// Test-only code (compiled into refrun_unit_tests, see launcher/CMakeLists.txt).
#include "rendezvous/etcd/test_servers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/free_port.h"

namespace refrun::etcd::testing {

namespace {

// One blocking HTTP/1.0 exchange with a 1 s receive timeout.
std::string blocking_http(int port, const std::string& method, const std::string& path,
                          const std::string& form) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return "";
  }
  std::string req = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n";
  if (!form.empty())
    req += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(form.size()) + "\r\n";
  req += "\r\n" + form;
  if (write(fd, req.data(), req.size()) < 0) {
    close(fd);
    return "";
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  auto body = out.find("\r\n\r\n");
  return body == std::string::npos ? "" : out.substr(body + 4);
}

}  // namespace

RealEtcd::RealEtcd(bool enable_v2) {
  if (system("command -v etcd >/dev/null 2>&1") != 0) {
    why_ = "etcd is not installed (scripts/install-deps.sh installs etcd-server)";
    return;
  }
  client_port_ = common::pick_free_port("127.0.0.1");
  int peer_port = common::pick_free_port("127.0.0.1");
  while (peer_port == client_port_) peer_port = common::pick_free_port("127.0.0.1");
  char tmpl[] = "/tmp/refrun-etcd-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  std::string client = "http://127.0.0.1:" + std::to_string(client_port_);
  std::string peer = "http://127.0.0.1:" + std::to_string(peer_port);
  std::vector<std::string> args = {"etcd",
                                   "--name", "t",
                                   "--data-dir", dir_ + "/data",
                                   "--listen-client-urls", client,
                                   "--advertise-client-urls", client,
                                   "--listen-peer-urls", peer,
                                   "--initial-advertise-peer-urls", peer,
                                   "--initial-cluster", "t=" + peer,
                                   "--heartbeat-interval=10", "--election-timeout=100",
                                   "--logger=zap", "--log-outputs=stderr"};
  if (enable_v2) args.push_back("--enable-v2=true");
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    int null = open((dir_ + "/etcd.log").c_str(), O_WRONLY | O_CREAT, 0644);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("etcd", argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (http("GET", "/health").find("\"health\":\"true\"") != std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  why_ = "etcd did not become healthy within 20 s (log: " + dir_ + "/etcd.log)";
}

RealEtcd::~RealEtcd() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string RealEtcd::http(const std::string& method, const std::string& path,
                           const std::string& form) const {
  return blocking_http(client_port_, method, path, form);
}

struct FakeHttpServer::Conn {
  int fd = -1;
  std::string in;
  std::string out;
  size_t out_pos = 0;
  int trickle_ms = 0;
  bool close_after = false;
  common::EventLoop::TimerId timer = 0;
};

FakeHttpServer::FakeHttpServer(common::EventLoop& loop, Handler handle)
    : loop_(loop), handle_(std::move(handle)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(listen_fd_, 64);
  port_ = common::bound_port(listen_fd_);
  loop_.watch_fd(listen_fd_, [this](uint32_t) { on_accept(); });
}

FakeHttpServer::~FakeHttpServer() {
  while (!conns_.empty()) drop(conns_.back().get());
  loop_.unwatch_fd(listen_fd_);
  close(listen_fd_);
}

std::string FakeHttpServer::answer(int status, const std::string& json, uint64_t index) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Type: application/json\r\nX-Etcd-Cluster-Id: cafe\r\nX-Etcd-Index: " +
         std::to_string(index) + "\r\nContent-Length: " + std::to_string(json.size() + 1) +
         "\r\n\r\n" + json + "\n";
}

void FakeHttpServer::on_accept() {
  int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  ++connections_;
  conns_.push_back(std::make_unique<Conn>());
  Conn* c = conns_.back().get();
  c->fd = fd;
  loop_.watch_fd(fd, [this, c](uint32_t) { on_readable(c); });
}

void FakeHttpServer::on_readable(Conn* c) {
  char buf[4096];
  ssize_t n = read(c->fd, buf, sizeof buf);
  if (n <= 0) return drop(c);
  c->in.append(buf, static_cast<size_t>(n));
  auto head_end = c->in.find("\r\n\r\n");
  if (head_end == std::string::npos) return;
  size_t length = 0;
  auto cl = c->in.find("Content-Length: ");
  if (cl != std::string::npos && cl < head_end) length = std::stoul(c->in.substr(cl + 16));
  if (c->in.size() < head_end + 4 + length) return;
  std::string line = c->in.substr(0, c->in.find(' ', c->in.find(' ') + 1));
  std::string body = c->in.substr(head_end + 4, length);
  c->in.erase(0, head_end + 4 + length);
  ++requests_;
  Reply r = handle_(line, body);
  if (r.hang) return;
  c->out = r.bytes;
  c->out_pos = 0;
  c->trickle_ms = r.trickle_ms;
  c->close_after = r.close;
  write_more(c);
}

void FakeHttpServer::write_more(Conn* c) {
  c->timer = 0;
  size_t chunk = c->trickle_ms > 0 ? 1 : c->out.size() - c->out_pos;
  if (chunk > 0) {
    ssize_t n = send(c->fd, c->out.data() + c->out_pos, chunk, MSG_NOSIGNAL);
    if (n > 0) c->out_pos += static_cast<size_t>(n);
  }
  if (c->out_pos < c->out.size()) {
    c->timer = loop_.add_timer(std::chrono::milliseconds(std::max(c->trickle_ms, 1)),
                               [this, c] { write_more(c); });
    return;
  }
  if (c->close_after) drop(c);
}

void FakeHttpServer::drop(Conn* c) {
  if (c->timer) loop_.cancel_timer(c->timer);
  loop_.unwatch_fd(c->fd);
  close(c->fd);
  for (auto it = conns_.begin(); it != conns_.end(); ++it)
    if (it->get() == c) {
      conns_.erase(it);
      return;
    }
}

}  // namespace refrun::etcd::testing
