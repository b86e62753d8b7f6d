// Carries one tee'd worker stream: reads the pipe on the loop, appends the
// raw bytes to the log file and writes each complete line to the console,
// prefixed, in a single write() per batch of whole lines, so lines from
// different workers are never split or interleaved.
#pragma once

#include <string>

namespace common {
class EventLoop;
}

namespace refrun {

// The longest console line refrun assembles: a worker writing without
// newlines (a binary dump, `\r` progress bars) would otherwise be buffered
// whole (issue 12: 4 x 200 MiB -> 1.27 GB). Past it the bytes held so far go
// out as one prefixed line (newline added) and assembly starts again; the
// log file still gets the raw bytes. 64 KiB is far above any real log line.
constexpr size_t kMaxConsoleLine = 64 * 1024;

class OutputPump {
 public:
  // Takes ownership of read_fd (made non-blocking) and file_fd (-1: none).
  OutputPump(common::EventLoop& loop, int read_fd, int file_fd, int console_fd, std::string prefix);
  ~OutputPump();
  OutputPump(const OutputPump&) = delete;
  OutputPump& operator=(const OutputPump&) = delete;

  // Reads whatever the pipe holds now. Once the worker has exited, all it
  // wrote is in the pipe, so this loses nothing even if a grandchild keeps
  // the write end open.
  void drain();
  // Drains, writes a final partial line (newline added), stops watching and
  // closes the fds. Idempotent.
  void close();

 private:
  common::EventLoop& loop_;
  int fd_;
  int file_fd_;
  int console_fd_;
  std::string prefix_;
  std::string partial_;  // bytes after the last newline seen, < kMaxConsoleLine
  std::string out_;      // the console batch being built, kept to reuse its buffer
  void on_readable();
  bool read_once();  // false on EAGAIN or EOF
  void emit(const char* data, size_t len);
  void append_line(const char* data, size_t len);  // prefix, partial_, data, newline
};

// write() until everything is out (retries EINTR, waits on EAGAIN).
void write_all(int fd, const char* data, size_t len);

}  // namespace refrun
