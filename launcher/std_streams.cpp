#include "std_streams.h"

#include <stdexcept>

#include "common/text.h"

namespace refrun {

int StdSpec::for_rank(int local_rank) const {
  if (!is_map) return all;
  auto it = per_rank.find(local_rank);
  // Upstream's to_map gives ranks missing from a map Std.NONE.
  return it == per_rank.end() ? kStdNone : it->second;
}

static int parse_bits(const std::string& s) {
  int v = 0;
  if (!common::parse_int(s, v) || v < 0 || v > 3)
    throw std::invalid_argument("expected 0, 1, 2 or 3");
  return v;
}

StdSpec parse_std_spec(const std::string& value) {
  StdSpec spec;
  std::string v = common::trim(value);
  if (v.find(':') == std::string::npos) {
    spec.all = parse_bits(v);
    return spec;
  }
  spec.is_map = true;
  for (const std::string& item : common::split(v, ',')) {
    auto colon = item.find(':');
    int rank = 0;
    if (colon == std::string::npos ||
        !common::parse_int(common::trim(item.substr(0, colon)), rank) || rank < 0)
      throw std::invalid_argument("expected LOCAL_RANK:BITS pairs such as 0:3,1:1");
    spec.per_rank[rank] = parse_bits(common::trim(item.substr(colon + 1)));
  }
  return spec;
}

}  // namespace refrun
