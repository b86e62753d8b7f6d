// Chaos on the c10d rendezvous (issue 12): an agent beyond MAX arriving at a
// running, full job must neither get a round of its own (split brain: it
// once ran WORLD_SIZE=1 workers beside the real job) nor disturb the job.
#include <string>
#include <vector>

#include "c10d_fixture.h"

namespace refrun {

TEST_F(C10dE2E, ThirdAgentOnAFullJobRunsNothingAndTheJobIsUndisturbed) {
  std::string w = script("while [ ! -f \"$D/go\" ]; do sleep 0.02; done");
  std::vector<std::string> args = {
      "--nnodes=1:2", "--nproc-per-node=2", "--rdzv-id=full",
      "--rdzv-conf=join_timeout=2,last_call_timeout=0.2,keep_alive_interval=0.1,"
      "keep_alive_max_attempt=5"};
  Refrun& a = start(args, w);
  wait_listening();
  Refrun& b = start(args, w);
  ASSERT_TRUE(wait_for([&] { return ranks(0, 4).size() == 4; })) << log_of(a);
  Refrun& third = start(args, w);
  // Past last_call_timeout and its own join_timeout: it waited for a later
  // round that never came, and says so in one line.
  EXPECT_EQ(wait_exit(third, 20s), 1) << log_of(third);
  EXPECT_NE(log_of(third).find("timed out"), std::string::npos) << log_of(third);
  int records = 0;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("w_", 0) == 0) ++records;
  EXPECT_EQ(records, 4) << "a worker started outside the running job (split brain)";
  std::ofstream(dir / "go") << "go\n";
  EXPECT_EQ(wait_exit(a), 0) << log_of(a);
  EXPECT_EQ(wait_exit(b), 0) << log_of(b);
  EXPECT_EQ(ranks(0, 4), range(4));
  EXPECT_EQ(log_of(a).find("membership changed"), std::string::npos) << log_of(a);
}

}  // namespace refrun
