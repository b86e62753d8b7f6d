// The console while a suite runs. On a terminal (and CI unset) a live
// status line under the results: done/total, counts so far, what is running.
// Otherwise plain lines only, one per result, so CI logs stay readable.
// Colour only on a terminal and when NO_COLOR is unset or empty
// (https://no-color.org), unless --color says always/never.
#pragma once

#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "result.h"

namespace launchcheck {

struct ConsoleStyle {
  bool live = false;    // redraw a status line
  bool colour = false;  // SGR colours on labels
};

// `colour_option`: "auto", "always" or "never". `env` lookups are passed in
// so tests need not change the process environment.
ConsoleStyle console_style(bool is_tty, const std::string& colour_option, const char* ci,
                           const char* no_colour);

class Progress {
 public:
  Progress(std::ostream& out, ConsoleStyle style, size_t total);
  void started(const std::string& id);
  // Prints the result's line (and details when it failed) above the status line.
  void finished(const ScenarioResult& r);
  void tick();  // redraws the status line (elapsed time)
  void done();  // removes the status line

 private:
  std::string status_line() const;
  void clear();
  void draw();

  std::ostream& out_;
  ConsoleStyle style_;
  size_t total_, finished_ = 0;
  std::map<Status, int> counts_;
  std::vector<std::string> running_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  bool drawn_ = false;
};

}  // namespace launchcheck
