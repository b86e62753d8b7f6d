// refrun's memory does not grow with what a worker writes (issue 12: 4
// workers x 200 MiB without a newline held 1.27 GB): a tee'd line is cut
// at OutputPump::kMaxLine, and every byte still reaches the console once.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "output_pump.h"
#include "refrun_harness.h"

namespace refrun {

namespace {
// Peak resident set of `pid` in KiB (VmHWM), 0 if unknown.
long peak_rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long kib = 0;
  while (status >> key) {
    if (key == "VmHWM:") {
      status >> kib;
      return kib;
    }
  }
  return 0;
}
}  // namespace

TEST(RefrunOutputBounds, SixtyFourMiBWithoutNewlineKeepsRefrunSmall) {
  ScratchDir dir;
  const long bytes = 64l << 20;
  RefrunProcess p({"--tee=1", "--log-dir", dir / "logs", "--no-python",
                   e2e_script("no_newline.sh")},
                  {{"OUT_DIR", dir.path()}, {"BYTES", std::to_string(bytes)}}, dir.path());
  ASSERT_TRUE(wait_for_file(dir / "written", std::chrono::seconds(60)));
  long peak = peak_rss_kib(p.pid());
  std::ofstream(dir / "go") << "go\n";
  ASSERT_EQ(p.wait(std::chrono::seconds(60)), 0) << p.err();
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, 32 * 1024) << "refrun held " << peak << " KiB for a line it should have cut";
  std::string out = p.out();
  EXPECT_EQ(std::count(out.begin(), out.end(), 'x'), bytes);
}

}  // namespace refrun
