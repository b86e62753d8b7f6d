// Counts the fixture's print lines (`LCLINE stdout r<RANK> <seq> <64 x's>`,
// PROTOCOL.md) on a launcher's console, whatever prefix the launcher adds, so
// the tee benchmark can say how many lines were lost or split.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace launchcheck {

class TeeLineCounter {
 public:
  // Expects ranks 0..ranks-1, each printing lines 0..lines-1 to stdout.
  TeeLineCounter(int ranks, int lines);
  // Console bytes as they arrive, in any chunking.
  void feed(const char* data, size_t n);
  // Call at EOF: a last line without a newline is judged too.
  void finish();

  int64_t bytes() const { return bytes_; }
  int64_t intact() const { return intact_; }
  // Lines that should have arrived whole and did not.
  int64_t lost() const { return int64_t(ranks_) * lines_ - intact_; }
  // Console lines holding part of a fixture line ("LCLINE", or a run of x's)
  // that are not one whole fixture line.
  int64_t split() const { return split_; }
  int64_t duplicates() const { return duplicates_; }

 private:
  void judge(const char* begin, const char* end);

  int ranks_, lines_;
  std::vector<std::vector<bool>> seen_;
  std::string partial_;
  int64_t bytes_ = 0, intact_ = 0, split_ = 0, duplicates_ = 0;
};

}  // namespace launchcheck
