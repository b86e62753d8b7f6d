// One of refrun's console streams (its stdout or stderr) as the event loop
// writes it: never blocking, with a bounded queue.
//
// A pipe, FIFO or terminal is reopened through /proc/self/fd/N with
// O_NONBLOCK (a description of our own: the flag must not leak into the
// shell or the other writers sharing the original one); a socket is written
// with MSG_DONTWAIT; a regular file or /dev/null cannot stall and is written
// directly. Whatever the console does not take at once is queued and sent
// when it is writable again.
//
// Past kQueueCap queued bytes the console is *congested*: the output pumps
// stop reading their workers' pipes (back-pressure, as a slow terminal would
// exert on a program writing to it directly) until the queue is below half
// again. If the console accepts nothing for kStallSeconds while output is
// queued, it is *stalled* (a pipe nobody reads, a stopped terminal): refrun
// says so once on stderr, the pumps resume, and every new unit that does not
// fit in the queue is dropped whole and counted (the log files still get
// everything). Any progress ends the stall. Units are whole lines (or a
// fragment, output_pump.h), so dropping never cuts one.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "common/event_loop.h"

namespace refrun {

class ConsoleSink {
 public:
  static constexpr size_t kQueueCap = 1 << 20;
  static constexpr double kStallSeconds = 2.0;

  // Something that pauses while the console is congested (an output pump).
  struct Waiter {
    virtual ~Waiter() = default;
    virtual void resume() = 0;
  };

  // `fd` stays the caller's; `name` ("stdout") is for messages. `report`
  // gets refrun's one-line notices about this console (normally the other
  // console's write_line); may be empty.
  ConsoleSink(common::EventLoop& loop, int fd, std::string name,
              std::function<void(const std::string&)> report = {});
  ~ConsoleSink();
  ConsoleSink(const ConsoleSink&) = delete;
  ConsoleSink& operator=(const ConsoleSink&) = delete;

  // Queues `bytes` whole, or drops them whole when stalled and full.
  // `writer` identifies who wrote (nullptr: refrun itself); `open_line`:
  // the bytes end without a newline and the writer may continue that line.
  // When another writer holds an open line, it is ended with "\n" first, so
  // every console line starts with its own writer's text.
  void write(const void* writer, std::string_view bytes, bool open_line = false);
  // refrun's own line ("refrun: ...\n" already formatted).
  void write_line(const std::string& line) { write(nullptr, line); }
  // Who holds the console line that is still open (nullptr: none).
  const void* open_line_owner() const { return open_line_owner_; }

  bool congested() const { return pending() >= kQueueCap && !stalled_; }
  void wait(Waiter* w) { waiters_.insert(w); }
  void forget(Waiter* w) { waiters_.erase(w); }

  // At exit: sends what is queued, waiting for the console at most
  // `patience_s` without progress; returns how many bytes were dropped in all.
  uint64_t flush(double patience_s);
  uint64_t dropped_bytes() const { return dropped_bytes_; }
  const std::string& name() const { return name_; }

 private:
  enum class Mode { kDirect, kNonBlocking, kSocket };
  common::EventLoop& loop_;
  int orig_fd_;
  int fd_;  // what is written: orig_fd_ or our own non-blocking reopen
  Mode mode_ = Mode::kDirect;
  std::string name_;
  std::function<void(const std::string&)> report_;
  std::string queue_;
  size_t head_ = 0;  // bytes of queue_ already sent
  bool watching_ = false;
  bool stalled_ = false;
  bool said_stalled_ = false;
  common::EventLoop::TimerId stall_timer_ = 0;
  uint64_t dropped_bytes_ = 0;
  uint64_t dropped_units_ = 0;
  const void* open_line_owner_ = nullptr;
  std::set<Waiter*> waiters_;

  size_t pending() const { return queue_.size() - head_; }
  void enqueue(std::string_view bytes);
  bool send_some();  // false when the console would block
  void on_writable();
  void progress();
  void arm_stall_timer();
  void on_stall();
  void wake_waiters();
  ssize_t write_fd(const char* data, size_t len);
};

}  // namespace refrun
