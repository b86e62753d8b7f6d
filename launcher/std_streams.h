// --redirects / --tee values: which of a worker's std streams go where.
#pragma once

#include <map>
#include <string>

namespace refrun {

enum StdBits { kStdNone = 0, kStdOut = 1, kStdErr = 2, kStdAll = 3 };

struct StdSpec {
  int all = kStdNone;           // applies to every local rank not in per_rank
  std::map<int, int> per_rank;  // "0:3,1:1": local rank -> bits
  bool is_map = false;
  int for_rank(int local_rank) const;
  friend bool operator==(const StdSpec&, const StdSpec&) = default;
};

// Parses "0".."3" or "lr:bits,lr:bits". Throws std::invalid_argument with the
// reason on a bad value.
StdSpec parse_std_spec(const std::string& value);

}  // namespace refrun
