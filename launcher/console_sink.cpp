#include "console_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace refrun {

namespace {

// A description of our own for the same pipe or terminal, non-blocking;
// -1 when there is none (no /proc, a FIFO without reader, ...).
int reopen_non_blocking(int fd, const struct stat& st) {
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  int own = open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (own < 0) return -1;
  struct stat again {};
  if (fstat(own, &again) != 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
    close(own);
    return -1;
  }
  return own;
}

}  // namespace

ConsoleSink::ConsoleSink(common::EventLoop& loop, int fd, std::string name,
                         std::function<void(const std::string&)> report)
    : loop_(loop), orig_fd_(fd), fd_(fd), name_(std::move(name)), report_(std::move(report)) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return;
  if (S_ISSOCK(st.st_mode)) {
    mode_ = Mode::kSocket;
  } else if (S_ISFIFO(st.st_mode) || (S_ISCHR(st.st_mode) && isatty(fd))) {
    int own = reopen_non_blocking(fd, st);
    if (own >= 0) {
      fd_ = own;
      mode_ = Mode::kNonBlocking;
    }
  }
  // Regular files and other devices (/dev/null) never stall: written directly.
}

ConsoleSink::~ConsoleSink() {
  if (watching_) loop_.unwatch_fd(fd_);
  loop_.cancel_timer(stall_timer_);
  if (fd_ != orig_fd_) close(fd_);
}

ssize_t ConsoleSink::write_fd(const char* data, size_t len) {
  if (mode_ == Mode::kSocket) return send(fd_, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
  return ::write(fd_, data, len);
}

void ConsoleSink::write(const void* writer, std::string_view bytes, bool open_line) {
  if (bytes.empty()) return;
  bool breaks_line = open_line_owner_ && open_line_owner_ != writer;
  if (stalled_ && pending() + bytes.size() + breaks_line > kQueueCap) {
    dropped_bytes_ += bytes.size();
    ++dropped_units_;
    return;
  }
  if (breaks_line) enqueue("\n");
  enqueue(bytes);
  open_line_owner_ = open_line ? writer : nullptr;
}

void ConsoleSink::enqueue(std::string_view bytes) {
  if (pending() == 0) {
    queue_.clear();
    head_ = 0;
  }
  queue_.append(bytes);
  if (watching_) return;  // on_writable sends it in order
  if (send_some()) return;
  watching_ = true;
  loop_.watch_fd(fd_, [this](uint32_t) { on_writable(); }, EPOLLOUT);
  arm_stall_timer();
}

bool ConsoleSink::send_some() {
  while (pending() > 0) {
    ssize_t n = write_fd(queue_.data() + head_, pending());
    if (n > 0) {
      head_ += static_cast<size_t>(n);
      progress();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN && mode_ != Mode::kDirect) return false;
    // The console is gone (EPIPE, EIO, ...) or, written directly, would
    // block: what is left cannot be delivered.
    dropped_bytes_ += pending();
    ++dropped_units_;
    head_ = queue_.size();
  }
  queue_.clear();
  head_ = 0;
  return true;
}

void ConsoleSink::on_writable() {
  if (send_some()) {
    loop_.unwatch_fd(fd_);
    watching_ = false;
    loop_.cancel_timer(stall_timer_);
    stall_timer_ = 0;
  } else if (head_ > (64u << 10) && head_ * 2 > queue_.size()) {
    queue_.erase(0, head_);  // keeps the buffer from growing by what was sent
    head_ = 0;
  }
  if (pending() * 2 < kQueueCap) wake_waiters();
}

// Something went out: the console is alive. A stall ends; the countdown
// to the next one starts again.
void ConsoleSink::progress() {
  stalled_ = false;
  if (!watching_) return;
  loop_.cancel_timer(stall_timer_);
  stall_timer_ = 0;
  arm_stall_timer();
}

void ConsoleSink::arm_stall_timer() {
  if (stall_timer_) return;
  stall_timer_ = loop_.add_timer(
      std::chrono::duration_cast<common::EventLoop::Clock::duration>(
          std::chrono::duration<double>(kStallSeconds)),
      [this] { on_stall(); });
}

void ConsoleSink::on_stall() {
  stall_timer_ = 0;
  if (pending() == 0) return;
  stalled_ = true;
  if (!said_stalled_ && report_) {
    said_stalled_ = true;
    report_("refrun: " + name_ + " is not being read (nothing taken for 2 s): console output to " +
            name_ + " is dropped while it stays so; the log files keep everything\n");
  }
  wake_waiters();
}

void ConsoleSink::wake_waiters() {
  std::set<Waiter*> waiting;
  waiting.swap(waiters_);
  for (Waiter* w : waiting) w->resume();
}

uint64_t ConsoleSink::flush(double patience_s) {
  auto ms = static_cast<int>(patience_s * 1000);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pending() > 0 && !send_some()) {
    pollfd p{fd_, POLLOUT, 0};
    if (std::chrono::steady_clock::now() > deadline || poll(&p, 1, ms) <= 0) {
      dropped_bytes_ += pending();
      ++dropped_units_;
      queue_.clear();
      head_ = 0;
    }
  }
  if (watching_) loop_.unwatch_fd(fd_);
  watching_ = false;
  if (dropped_bytes_ > 0 && report_)
    report_("refrun: dropped " + std::to_string(dropped_bytes_) + " bytes (" +
            std::to_string(dropped_units_) + " writes) of console output to " + name_ +
            ", which was not being read\n");
  return dropped_bytes_;
}

}  // namespace refrun
