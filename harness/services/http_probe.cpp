#include "http_probe.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace launchcheck {

namespace {

constexpr size_t kMaxAnswer = 1 << 20;

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int rc = poll(&p, 1, ms_left(deadline));
    if (rc > 0) return true;
    if (rc == 0 || errno != EINTR) return false;
  }
}

bool split_url(const std::string& url, std::string& host, std::string& port, std::string& path) {
  if (url.rfind("http://", 0) != 0) return false;
  std::string rest = url.substr(7);
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = hostport.rfind(':');
  if (colon == std::string::npos || colon + 1 == hostport.size()) return false;
  host = hostport.substr(0, colon);
  port = hostport.substr(colon + 1);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return !host.empty();
}

int connect_by(const std::string& host, const std::string& port, Clock::time_point deadline,
               std::string& error) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res) {
    error = "cannot resolve " + host;
    return -1;
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int rc = connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0 && errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline)) {
    socklen_t len = sizeof rc;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &rc, &len);
    errno = rc;
  } else if (rc != 0 && errno == EINPROGRESS) {
    errno = ETIMEDOUT;
    rc = -1;
  }
  if (rc != 0) {
    error = "connect " + host + ":" + port + ": " + strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

HttpProbe http_probe(const std::string& method, const std::string& url, const std::string& body,
                     const std::string& content_type, int timeout_ms) {
  HttpProbe out;
  std::string host, port, path;
  if (!split_url(url, host, port, path)) {
    out.error = "not an http://HOST:PORT/ URL: " + url;
    return out;
  }
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int fd = connect_by(host, port, deadline, out.error);
  if (fd < 0) return out;
  std::string req = method + " " + path + " HTTP/1.0\r\nHost: " + host + ":" + port +
                    "\r\nConnection: close\r\n";
  if (!content_type.empty()) req += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "PUT" || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  std::string in;
  size_t sent = 0;
  while (out.error.empty()) {
    short want = sent < req.size() ? POLLOUT : POLLIN;
    if (!wait_for(fd, want, deadline)) {
      out.error = url + ": no answer within " + std::to_string(timeout_ms) + " ms";
      break;
    }
    if (want == POLLOUT) {
      ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) out.error = url + ": send: " + strerror(errno);
      if (n > 0) sent += static_cast<size_t>(n);
      continue;
    }
    char buf[16384];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) out.error = url + ": read: " + strerror(errno);
    if (n > 0) in.append(buf, static_cast<size_t>(n));
    if (in.size() > kMaxAnswer) out.error = url + ": answer over 1 MiB";
  }
  close(fd);
  if (!out.error.empty()) return out;
  size_t head = in.find("\r\n\r\n");
  if (in.rfind("HTTP/1.", 0) != 0 || head == std::string::npos || in.size() < 12) {
    out.error = url + ": not an HTTP answer";
    return out;
  }
  out.status = std::atoi(in.c_str() + 9);
  out.body = in.substr(head + 4);
  return out;
}

}  // namespace launchcheck
