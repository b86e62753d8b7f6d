// Carries one tee'd worker stream: reads the pipe on the loop, appends the
// raw bytes to the log file and hands the console (console_sink.h) whole
// lines, prefixed, one unit per batch of lines, so lines of different
// workers are never split or interleaved.
//
// Fragments (text without a newline, e.g. a progress bar's "\rstep 3/10"):
// once they have waited kFragmentDelay for the rest of their line, or grown
// to kMaxLine, they go out as they are, prefixed, leaving the console line
// open. If the same worker continues the line before anyone else writes,
// the continuation follows without a prefix, so the console shows the
// worker's bytes exactly; if another worker (or refrun) writes first, the
// console sink ends the open line with a newline and the continuation starts
// a new line with the prefix again (as upstream's TailLog does). So a line
// is never held longer than kFragmentDelay, and a line without a newline
// never takes more than kMaxLine (+ one read) of memory.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/event_loop.h"
#include "console_sink.h"

namespace refrun {

class FilteredLog;

class OutputPump : ConsoleSink::Waiter {
 public:
  static constexpr size_t kMaxLine = 64 << 10;
  static constexpr std::chrono::milliseconds kFragmentDelay{50};

  // Takes ownership of read_fd (made non-blocking) and file_fd (-1: none).
  // `filtered` (may be null) gets the whole lines that match its filters.
  OutputPump(common::EventLoop& loop, int read_fd, int file_fd, ConsoleSink& console,
             std::string prefix, std::shared_ptr<FilteredLog> filtered = nullptr);
  ~OutputPump() override;
  OutputPump(const OutputPump&) = delete;
  OutputPump& operator=(const OutputPump&) = delete;

  // Reads whatever the pipe holds now, whatever the console's state. Once
  // the worker has exited, all it wrote is in the pipe, so this loses
  // nothing even if a grandchild keeps the write end open.
  void drain();
  // Drains, ends the line (a final partial line gets a newline), stops
  // watching and closes the fds. Idempotent.
  void close();

 private:
  common::EventLoop& loop_;
  int fd_;
  int file_fd_;
  ConsoleSink& console_;
  std::string prefix_;
  std::shared_ptr<FilteredLog> filtered_;
  std::string partial_;     // bytes after the last newline, not yet on the console
  bool continued_ = false;  // part of the current line is on the console already
  std::string line_start_;  // that part (for the filter; at most kMaxLine)
  common::EventLoop::Clock::time_point partial_since_;
  common::EventLoop::TimerId fragment_timer_ = 0;
  bool paused_ = false;
  bool eof_ = false;
  std::string out_;  // the console batch being built, kept to reuse its buffer

  void on_readable();
  void resume() override;
  bool read_once();  // false on EAGAIN or EOF
  void emit(const char* data, size_t len);
  const std::string& head();  // the prefix, or "" when continuing our open line
  void line_done(const char* start, const char* end);
  void flush_fragment();
  void on_fragment_timer();
};

// write() until everything is out (retries EINTR, waits on EAGAIN). For
// log files, which never stall.
void write_all(int fd, const char* data, size_t len);

}  // namespace refrun
