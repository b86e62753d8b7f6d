#include "rendezvous/c10d/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/event_loop.h"

namespace refrun {

C10dConnection::C10dConnection(common::EventLoop& loop, int fd, size_t max_frame, OnFrame on_frame,
                               OnClose on_close)
    : loop_(loop),
      fd_(fd),
      max_frame_(max_frame),
      decoder_(max_frame),
      on_frame_(std::move(on_frame)),
      on_close_(std::move(on_close)) {
  loop_.watch_fd(
      fd_, [this](uint32_t ev) { on_ready(ev); }, EPOLLIN | EPOLLRDHUP);
}

C10dConnection::~C10dConnection() {
  *alive_ = false;
  close();
}

void C10dConnection::close() {
  if (fd_ < 0) return;
  if (!out_.empty()) ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  out_.clear();
  loop_.unwatch_fd(fd_);
  ::close(fd_);
  fd_ = -1;
}

void C10dConnection::fail(const std::string& why) {
  out_.clear();
  close();
  auto cb = std::move(on_close_);
  if (cb) cb(why);
}

void C10dConnection::refuse(const std::string& why) {
  // One reply saying why, then the hang-up: close() tries queued bytes once.
  out_ += encode_frame({{"ok", false}, {"id", nullptr}, {"error", why}});
  close();
  auto cb = std::move(on_close_);
  if (cb) cb(why);
}

void C10dConnection::send(const nlohmann::json& message) {
  if (fd_ < 0) return;
  bool was_empty = out_.empty();
  out_ += encode_frame(message);
  // A peer that never reads must not make us buffer without bound: hang up
  // (the read side then reports the close from the loop).
  if (out_.size() > 16 * max_frame_) {
    out_.clear();
    shutdown(fd_, SHUT_RDWR);
    return;
  }
  if (was_empty) flush();
}

void C10dConnection::flush() {
  while (!out_.empty()) {
    ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      loop_.modify_fd(fd_, EPOLLIN | EPOLLRDHUP | EPOLLOUT);
      return;
    }
    // A write error is reported by the next read (EOF or error); stop
    // writing and let the read side close us from the loop.
    out_.clear();
    shutdown(fd_, SHUT_RDWR);
    return;
  }
  loop_.modify_fd(fd_, EPOLLIN | EPOLLRDHUP);
}

void C10dConnection::on_ready(uint32_t events) {
  auto alive = alive_;
  if (events & EPOLLOUT) flush();
  if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
  char buf[65536];
  bool eof = false;
  std::string error;
  while (true) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      decoder_.feed(buf, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buf) break;
      continue;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    error = strerror(errno);
    break;
  }
  nlohmann::json msg;
  while (true) {
    auto status = decoder_.next(msg);
    if (status == FrameDecoder::Status::kNeedMore) break;
    if (status == FrameDecoder::Status::kError) return refuse("bad frame: " + decoder_.error());
    on_frame_(msg);
    if (!*alive || fd_ < 0) return;
  }
  if (!error.empty()) return fail(error);
  if (eof) return fail("connection closed by peer");
}

}  // namespace refrun
