// Splits bytes as they arrive (a pipe, a growing file) into complete lines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace launchcheck {

// A partial last line waits for the rest.
class LineSplitter {
 public:
  std::vector<std::string> feed(const char* data, size_t n);
  // Whatever is left without a newline.
  std::string rest() { return std::move(partial_); }
  // The same, left in place: the line being written.
  const std::string& pending() const { return partial_; }

 private:
  std::string partial_;
};

}  // namespace launchcheck
