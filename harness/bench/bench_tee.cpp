#include "bench_tee.h"

#include <cstring>
#include <string_view>

namespace launchcheck {

TeeLineCounter::TeeLineCounter(int ranks, int lines)
    : ranks_(ranks), lines_(lines), seen_(ranks, std::vector<bool>(lines, false)) {}

void TeeLineCounter::feed(const char* data, size_t n) {
  bytes_ += static_cast<int64_t>(n);
  const char* end = data + n;
  while (data < end) {
    const char* nl = static_cast<const char*>(memchr(data, '\n', end - data));
    if (!nl) {
      partial_.append(data, end);
      return;
    }
    if (partial_.empty()) {
      judge(data, nl);
    } else {
      partial_.append(data, nl);
      judge(partial_.data(), partial_.data() + partial_.size());
      partial_.clear();
    }
    data = nl + 1;
  }
}

void TeeLineCounter::finish() {
  if (!partial_.empty()) judge(partial_.data(), partial_.data() + partial_.size());
  partial_.clear();
}

namespace {

// Parses a non-negative decimal of exactly `digits` digits, or any length
// when digits is 0; -1 when malformed.
long parse_number(std::string_view s, size_t digits) {
  if (s.empty() || (digits && s.size() != digits)) return -1;
  long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || v > 100000000) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

void TeeLineCounter::judge(const char* begin, const char* end) {
  std::string_view line(begin, end - begin);
  size_t at = line.find("LCLINE ");
  if (at == std::string_view::npos) {
    // The tail of a line broken before or inside its "LCLINE " marker.
    if (line.find("xxxxxxxx") != std::string_view::npos) ++split_;
    return;
  }
  std::string_view rest = line.substr(at + 7);
  // stdout r<rank> <6 digits> <64 x's>, nothing after.
  constexpr std::string_view kStream = "stdout r";
  bool ok = rest.starts_with(kStream);
  long rank = -1, seq = -1;
  if (ok) {
    rest.remove_prefix(kStream.size());
    size_t sp = rest.find(' ');
    rank = sp == std::string_view::npos ? -1 : parse_number(rest.substr(0, sp), 0);
    rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    sp = rest.find(' ');
    seq = sp == std::string_view::npos ? -1 : parse_number(rest.substr(0, sp), 6);
    rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    ok = rank >= 0 && rank < ranks_ && seq >= 0 && seq < lines_ && rest.size() == 64 &&
         rest.find_first_not_of('x') == std::string_view::npos;
  }
  if (!ok) {
    ++split_;
    return;
  }
  if (seen_[rank][seq]) {
    ++duplicates_;
    return;
  }
  seen_[rank][seq] = true;
  ++intact_;
}

}  // namespace launchcheck
