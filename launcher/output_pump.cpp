#include "output_pump.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/event_loop.h"

namespace refrun {

void write_all(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, -1);
        continue;
      }
      return;  // a closed console must not stop refrun from managing workers
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
}

OutputPump::OutputPump(common::EventLoop& loop, int read_fd, int file_fd, int console_fd,
                       std::string prefix)
    : loop_(loop),
      fd_(read_fd),
      file_fd_(file_fd),
      console_fd_(console_fd),
      prefix_(std::move(prefix)) {
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  loop_.watch_fd(fd_, [this](uint32_t) { on_readable(); });
}

OutputPump::~OutputPump() {
  close();
}

// One read per wakeup keeps several busy workers fairly interleaved.
void OutputPump::on_readable() {
  read_once();
}

bool OutputPump::read_once() {
  if (fd_ < 0) return false;
  char buf[65536];
  ssize_t n = read(fd_, buf, sizeof buf);
  if (n > 0) {
    emit(buf, static_cast<size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
  // EOF (or an error): nothing more will come on this pipe.
  loop_.unwatch_fd(fd_);
  return false;
}

// memchr and one buffer reused across reads: this loop is refrun's share of
// a tee'd stream (a byte-by-byte loop into a fresh string was a quarter of
// refrun's CPU under `launchcheck bench --case tee`).
void OutputPump::emit(const char* data, size_t len) {
  if (file_fd_ >= 0) write_all(file_fd_, data, len);
  out_.clear();
  const char* end = data + len;
  const char* start = data;
  while (start < end) {
    const char* nl = static_cast<const char*>(memchr(start, '\n', end - start));
    size_t room = kMaxConsoleLine - partial_.size();
    size_t line = nl ? static_cast<size_t>(nl - start) : static_cast<size_t>(end - start);
    // At the cap what we hold goes out as a line of its own; a line of
    // exactly the cap ending in its newline is just a line.
    if (nl ? line > room : line >= room) {
      append_line(start, room);
      start += room;
    } else if (nl) {
      append_line(start, line);
      start = nl + 1;
    } else {
      partial_.append(start, end);
      break;
    }
  }
  if (!out_.empty()) write_all(console_fd_, out_.data(), out_.size());
}

void OutputPump::append_line(const char* data, size_t len) {
  out_ += prefix_;
  out_ += partial_;
  out_.append(data, len);
  out_ += '\n';
  partial_.clear();
}

void OutputPump::drain() {
  while (read_once()) {
  }
}

void OutputPump::close() {
  if (fd_ < 0) return;
  drain();
  if (!partial_.empty()) {
    std::string out = prefix_ + partial_ + "\n";
    partial_.clear();
    write_all(console_fd_, out.data(), out.size());
  }
  loop_.unwatch_fd(fd_);
  ::close(fd_);
  fd_ = -1;
  if (file_fd_ >= 0) ::close(file_fd_);
  file_fd_ = -1;
}

}  // namespace refrun
