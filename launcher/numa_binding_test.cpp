#include "numa_binding.h"

#include <gtest/gtest.h>

#include "options.h"

namespace refrun {

TEST(NumaBinding, NoneAsked) {
  EXPECT_NO_THROW(check_numa_binding("", 4, 0, 8));
}

TEST(NumaBinding, WithoutAGpuPerWorkerItFailsLikeUpstream) {
  try {
    check_numa_binding("node", 2, 0, 1);
    FAIL() << "accepted without GPUs";
  } catch (const LaunchError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("--numa-binding=node"), std::string::npos);
    EXPECT_NE(what.find("0 CUDA devices for 2 worker(s)"), std::string::npos) << what;
  }
  EXPECT_THROW(check_numa_binding("socket", 2, 1, 1), LaunchError);
}

TEST(NumaBinding, OneNumaNodeIsNothingToDo) {
  for (const char* mode : {"node", "socket", "exclusive", "core-complex"})
    EXPECT_NO_THROW(check_numa_binding(mode, 2, 2, 1)) << mode;
}

TEST(NumaBinding, SeveralNumaNodesAreRefused) {
  EXPECT_THROW(check_numa_binding("node", 2, 8, 2), LaunchError);
}

TEST(NumaBinding, ThisMachineHasAtLeastOneNode) {
  EXPECT_GE(numa_node_count(), 1);
}

}  // namespace refrun
