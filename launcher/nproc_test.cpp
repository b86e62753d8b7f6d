#include "nproc.h"

#include <gtest/gtest.h>

namespace refrun {

namespace {
std::string error_of(const std::string& value, const Environment& env) {
  try {
    resolve_nproc(value, env);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}
}  // namespace

TEST(Nproc, Integer) {
  EXPECT_EQ(resolve_nproc("4", {}), 4);
  EXPECT_NE(error_of("0", {}).find("at least 1"), std::string::npos);
  EXPECT_NE(error_of("-2", {}).find("at least 1"), std::string::npos);
}

TEST(Nproc, CpuCountsTheAffinityMask) {
  EXPECT_GE(cpu_count(), 1);
  EXPECT_EQ(resolve_nproc("cpu", {}), cpu_count());
}

TEST(Nproc, GpuUsesTheOverrideAndFailsWithoutDevices) {
  EXPECT_EQ(resolve_nproc("gpu", {{"REFRUN_GPU_COUNT", "3"}}), 3);
  EXPECT_NE(error_of("gpu", {{"REFRUN_GPU_COUNT", "0"}}).find("--nproc-per-node gpu"),
            std::string::npos);
  EXPECT_NE(error_of("gpu", {{"REFRUN_GPU_COUNT", "x"}}).find("REFRUN_GPU_COUNT"),
            std::string::npos);
}

TEST(Nproc, GpuWithoutOverrideMatchesTheDriver) {
  // On a CPU machine there is no libcuda: an error; on a GPU machine the count.
  int devices = cuda_device_count();
  if (devices == 0)
    EXPECT_NE(error_of("gpu", {}).find("Cuda is not available"), std::string::npos);
  else
    EXPECT_EQ(resolve_nproc("gpu", {}), devices);
}

TEST(Nproc, XpuNeedsTheOverride) {
  EXPECT_EQ(resolve_nproc("xpu", {{"REFRUN_XPU_COUNT", "2"}}), 2);
  EXPECT_NE(error_of("xpu", {}).find("--nproc-per-node xpu"), std::string::npos);
}

TEST(Nproc, AutoPrefersAcceleratorsThenCpus) {
  EXPECT_EQ(resolve_nproc("auto", {{"REFRUN_GPU_COUNT", "2"}}), 2);
  EXPECT_EQ(resolve_nproc("auto", {{"REFRUN_GPU_COUNT", "0"}, {"REFRUN_XPU_COUNT", "5"}}), 5);
  EXPECT_EQ(resolve_nproc("auto", {{"REFRUN_GPU_COUNT", "0"}}), cpu_count());
}

TEST(Nproc, UnknownValue) {
  EXPECT_NE(
      error_of("unknown", {}).find("--nproc-per-node unknown: Unsupported nproc_per_node value"),
      std::string::npos);
}

}  // namespace refrun
