#include "console_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace launchcheck {

ConsoleReader::ConsoleReader(int fd, std::string* sink) : fd_(fd), sink_(sink) {
  if (fd_ >= 0) fcntl(fd_, F_SETFL, O_NONBLOCK);
}

ConsoleReader::~ConsoleReader() {
  close_now();
}

void ConsoleReader::close_now() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

std::vector<std::string> ConsoleReader::read_available() {
  std::vector<std::string> out;
  char buf[65536];
  while (open()) {
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;  // EAGAIN: more later
    if (n == 0) {
      eof_ = true;
      break;
    }
    sink_->append(buf, static_cast<size_t>(n));
    for (auto& line : lines_.feed(buf, static_cast<size_t>(n))) out.push_back(std::move(line));
  }
  return out;
}

void drain_consoles(const std::vector<ConsoleReader*>& consoles, int limit_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<ConsoleReader*> open;
    for (auto* c : consoles)
      if (c->open()) {
        fds.push_back({c->fd(), POLLIN, 0});
        open.push_back(c);
      }
    if (fds.empty() || std::chrono::steady_clock::now() >= deadline) break;
    if (poll(fds.data(), fds.size(), 200) <= 0) break;
    for (size_t i = 0; i < fds.size(); ++i)
      if (fds[i].revents) open[i]->read_available();
  }
  for (auto* c : consoles) c->close_now();
}

}  // namespace launchcheck
