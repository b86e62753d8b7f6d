#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "console_report.h"

namespace launchcheck {

namespace {

size_t terminal_width() {
  winsize w{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 20) return w.ws_col;
  return 80;
}

}  // namespace

ConsoleStyle console_style(bool is_tty, const std::string& colour_option, const char* ci,
                           const char* no_colour) {
  ConsoleStyle s;
  s.live = is_tty && !(ci && *ci);
  if (colour_option == "always")
    s.colour = true;
  else if (colour_option == "auto")
    s.colour = is_tty && !(no_colour && *no_colour);
  return s;
}

Progress::Progress(std::ostream& out, ConsoleStyle style, size_t total)
    : out_(out), style_(style), total_(total) {}

void Progress::started(const std::string& id) {
  running_.push_back(id);
  draw();
}

void Progress::finished(const ScenarioResult& r) {
  auto it = std::find(running_.begin(), running_.end(), r.id);
  if (it != running_.end()) running_.erase(it);
  ++finished_;
  ++counts_[r.status];
  clear();
  out_ << console_line(r, style_.colour) << "\n" << failure_details(r);
  draw();
}

void Progress::tick() {
  draw();
}

void Progress::done() {
  clear();
}

std::string Progress::status_line() const {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  std::string line = "[" + std::to_string(finished_) + "/" + std::to_string(total_) + "]";
  for (auto& [status, n] : counts_) line += " " + std::to_string(n) + " " + to_string(status);
  line += " | " + seconds_text(secs);
  if (!running_.empty()) {
    line += " | running:";
    for (auto& id : running_) line += " " + id;
  }
  size_t width = terminal_width() - 1;  // a full line would wrap and break \r
  if (line.size() > width) line = line.substr(0, width - 3) + "...";
  return line;
}

void Progress::clear() {
  if (drawn_) out_ << "\r\033[K";
  drawn_ = false;
}

void Progress::draw() {
  if (!style_.live) {
    out_ << std::flush;
    return;
  }
  clear();
  out_ << status_line() << std::flush;
  drawn_ = true;
}

}  // namespace launchcheck
