// One agent's console: its stdout and stderr pipes, read as data arrives.
// Everything is appended to the agent's record; whole lines are handed back
// for output_matches triggers.
#pragma once

#include <string>
#include <vector>

#include "line_splitter.h"

namespace launchcheck {

class ConsoleReader {
 public:
  // `fd` is the read end of a pipe (made non-blocking here); `sink` the
  // record's text it goes to.
  ConsoleReader(int fd, std::string* sink);
  ~ConsoleReader();
  ConsoleReader(const ConsoleReader&) = delete;
  ConsoleReader& operator=(const ConsoleReader&) = delete;

  int fd() const { return fd_; }
  // Still open and not at its end.
  bool open() const { return fd_ >= 0 && !eof_; }
  // Reads what is there now. Returns the whole lines completed by it.
  std::vector<std::string> read_available();
  // The unterminated last line read so far ("" after a newline).
  const std::string& pending() const { return lines_.pending(); }
  // The writers are gone and everything was read: stop watching, then close.
  bool at_eof() const { return eof_; }
  void close_now();

 private:
  int fd_;
  bool eof_ = false;
  std::string* sink_;
  LineSplitter lines_;
};

// After the run, when every writer is dead: reads each open console to its
// end, for at most `limit_ms` (a writer that escaped must not hang us), and
// closes them all.
void drain_consoles(const std::vector<ConsoleReader*>& consoles, int limit_ms);

}  // namespace launchcheck
