#include "std_streams.h"

#include <stdexcept>

namespace refrun {

int StdSpec::for_rank(int local_rank) const {
  if (!is_map) return all;
  auto it = per_rank.find(local_rank);
  // Upstream's to_map gives ranks missing from a map Std.NONE.
  return it == per_rank.end() ? kStdNone : it->second;
}

namespace {

bool is_bits(char c) { return c >= '0' && c <= '3'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The whole value is "d:b,d:b,...": one digit, a colon, one of 0-3, commas
// between pairs and nowhere else (upstream's _MAPPING_REGEX).
bool is_mapping(const std::string& v) {
  if (v.empty() || (v.size() + 1) % 4 != 0) return false;
  for (size_t i = 0; i < v.size(); i += 4) {
    if (!is_digit(v[i]) || v[i + 1] != ':' || !is_bits(v[i + 2])) return false;
    if (i + 3 < v.size() && v[i + 3] != ',') return false;
  }
  return true;
}

}  // namespace

// Upstream's Std.from_str: re.match(r"^[0123]$") or
// re.match(r"^(\d:[0123],)*(\d:[0123])$"), nothing trimmed, so "01", " 1",
// "+1" and "10:1" are refused. (Python's `$` would also let a final "\n"
// through and `\d` takes any Unicode digit: refrun does not copy those.)
StdSpec parse_std_spec(const std::string& v) {
  StdSpec spec;
  if (v.size() == 1 && is_bits(v[0])) {
    spec.all = v[0] - '0';
    return spec;
  }
  if (!is_mapping(v))
    throw std::invalid_argument(
        "expected one of 0, 1, 2, 3 or LOCAL_RANK:VALUE pairs such as 0:3,1:1 (one-digit local "
        "ranks, no spaces)");
  spec.is_map = true;
  // A repeated local rank: the last one wins, as in upstream's dict.
  for (size_t i = 0; i < v.size(); i += 4) spec.per_rank[v[i] - '0'] = v[i + 2] - '0';
  return spec;
}

}  // namespace refrun
