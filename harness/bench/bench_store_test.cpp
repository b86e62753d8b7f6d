#include "bench_store.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace launchcheck {
namespace {

BenchCase store_case(int n) {
  BenchCase c;
  c.name = "store-join-" + std::to_string(n);
  c.kind = BenchKind::kStoreJoin;
  c.agents = n;
  return c;
}

TEST(BenchStore, ASizeTheLimitsHoldRuns) {
  EXPECT_EQ(store_case_skip_reason(store_case(20)), "");
}

// No machine gives one process 4/3 of a billion descriptors (fs.nr_open is
// at most 2^30): the skip names the limit, and the limit is left as it was.
TEST(BenchStore, ASizeBeyondTheLimitsIsSkippedWithTheReason) {
  rlimit before{};
  getrlimit(RLIMIT_NOFILE, &before);
  std::string why = store_case_skip_reason(store_case(1000000000));
  EXPECT_NE(why.find("RLIMIT_NOFILE >= 1333333340"), std::string::npos) << why;
  EXPECT_NE(why.find("hard limit here is"), std::string::npos) << why;
  rlimit after{};
  getrlimit(RLIMIT_NOFILE, &after);
  EXPECT_EQ(after.rlim_cur, before.rlim_cur);
}

}  // namespace
}  // namespace launchcheck
