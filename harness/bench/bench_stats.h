// Summary statistics of benchmark samples: min, median, max.
#pragma once

#include <vector>

namespace launchcheck {

struct SampleStats {
  double min = 0, median = 0, max = 0;
  int count = 0;
};

// The median of an even count is the mean of the middle two. Empty: count 0.
SampleStats summarize(std::vector<double> samples);

}  // namespace launchcheck
