#include "output_pump.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "filtered_log.h"

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
      return;  // a full disk must not stop refrun from managing workers
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
}

OutputPump::OutputPump(common::EventLoop& loop, int read_fd, int file_fd, ConsoleSink& console,
                       std::string prefix, std::shared_ptr<FilteredLog> filtered)
    : loop_(loop),
      fd_(read_fd),
      file_fd_(file_fd),
      console_(console),
      prefix_(std::move(prefix)),
      filtered_(std::move(filtered)) {
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  loop_.watch_fd(fd_, [this](uint32_t) { on_readable(); });
}

OutputPump::~OutputPump() {
  close();
}

// One read per wakeup keeps several busy workers fairly interleaved. A
// congested console pauses the pump: the worker's pipe fills up and the
// worker waits, as it would writing to a slow terminal itself.
void OutputPump::on_readable() {
  if (console_.congested()) {
    paused_ = true;
    loop_.unwatch_fd(fd_);
    console_.wait(this);
    return;
  }
  read_once();
}

void OutputPump::resume() {
  if (!paused_ || fd_ < 0) return;
  paused_ = false;
  if (!eof_) loop_.watch_fd(fd_, [this](uint32_t) { on_readable(); });
}

bool OutputPump::read_once() {
  if (fd_ < 0 || eof_) return false;
  char buf[65536];
  ssize_t n = read(fd_, buf, sizeof buf);
  if (n > 0) {
    emit(buf, static_cast<size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
  // EOF (or an error): nothing more will come on this pipe.
  eof_ = true;
  loop_.unwatch_fd(fd_);
  return false;
}

const std::string& OutputPump::head() {
  static const std::string none;
  bool ours = continued_ && console_.open_line_owner() == this;
  continued_ = false;
  return ours ? none : prefix_;
}

// A whole line [start, end) (with its newline) after what partial_ holds.
void OutputPump::line_done(const char* start, const char* end) {
  out_ += head();
  out_ += partial_;
  out_.append(start, end);
  if (filtered_) {
    std::string line = line_start_ + partial_;
    line.append(start, end);
    filtered_->offer(prefix_, line);
    line_start_.clear();
  }
  partial_.clear();
}

// memchr and one buffer reused across reads: this loop is refrun's share of
// a tee'd stream (a byte-by-byte loop into a fresh string was a quarter of
// refrun's CPU under `launchcheck bench --case tee`).
void OutputPump::emit(const char* data, size_t len) {
  if (file_fd_ >= 0) write_all(file_fd_, data, len);
  out_.clear();
  const char* end = data + len;
  const char* start = data;
  while (const char* nl = static_cast<const char*>(memchr(start, '\n', end - start))) {
    line_done(start, nl + 1);
    start = nl + 1;
  }
  if (!out_.empty()) console_.write(this, out_);
  if (start == end) return;
  if (partial_.empty()) partial_since_ = common::EventLoop::Clock::now();
  partial_.append(start, end);
  if (partial_.size() >= kMaxLine)
    flush_fragment();
  else if (!fragment_timer_)
    fragment_timer_ = loop_.add_timer(kFragmentDelay, [this] { on_fragment_timer(); });
}

void OutputPump::on_fragment_timer() {
  fragment_timer_ = 0;
  if (partial_.empty()) return;
  auto waited = common::EventLoop::Clock::now() - partial_since_;
  if (waited < kFragmentDelay) {  // a newer fragment: give it its full delay
    fragment_timer_ =
        loop_.add_timer(kFragmentDelay - waited, [this] { on_fragment_timer(); });
    return;
  }
  flush_fragment();
}

void OutputPump::flush_fragment() {
  const std::string& h = head();
  console_.write(this, h + partial_, /*open_line=*/true);
  continued_ = true;
  if (filtered_ && line_start_.size() < kMaxLine)
    line_start_.append(partial_, 0, kMaxLine - line_start_.size());
  partial_.clear();
}

void OutputPump::drain() {
  while (read_once()) {
  }
}

void OutputPump::close() {
  if (fd_ < 0) return;
  drain();
  loop_.cancel_timer(fragment_timer_);
  fragment_timer_ = 0;
  if (!partial_.empty()) {
    out_.clear();
    const char nl = '\n';
    line_done(&nl, &nl + 1);  // a last line without a newline gets one
    console_.write(this, out_);
  } else if (continued_ && console_.open_line_owner() == this) {
    console_.write(this, "\n");  // ends our open line
  }
  continued_ = false;
  console_.forget(this);
  loop_.unwatch_fd(fd_);
  ::close(fd_);
  fd_ = -1;
  if (file_fd_ >= 0) ::close(file_fd_);
  file_fd_ = -1;
}

}  // namespace refrun
