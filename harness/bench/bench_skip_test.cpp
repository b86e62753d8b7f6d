// Which profile can run which benchmark case: capabilities, and memory for
// the agent-scale cases (a profile's agent_rss_mib against MemAvailable).
#include <gtest/gtest.h>

#include "bench_run.h"

namespace launchcheck {
namespace {

Profile profile(const std::string& extra) {
  return parse_profile(parse_json_text(R"({"name": "p", "command": ["/bin/sh"],
      "capabilities": ["c10d", "no-python"])" + extra + "}",
                                       "p.json"),
                       "p.json", "/b");
}

BenchCase agents(int n) {
  for (auto& c : bench_cases(false))
    if (c.name == "agents-" + std::to_string(n)) return c;
  ADD_FAILURE() << "no case agents-" << n;
  return {};
}

TEST(BenchSkip, AgentScaleCasesThatCannotFitInMemoryAreSkippedSayingWhy) {
  EXPECT_EQ(bench_skip_reason(agents(1024), profile("")), "");
  EXPECT_EQ(bench_skip_reason(agents(64), profile(R"(, "agent_rss_mib": 1)")), "");
  std::string why = bench_skip_reason(agents(64), profile(R"(, "agent_rss_mib": 1048576)"));
  EXPECT_NE(why.find("64 agents of p need ~65536 GiB (1048576 MiB each: the profile's "
                     "agent_rss_mib)"),
            std::string::npos)
      << why;
}

TEST(BenchSkip, SimulatedAgentsAreNotProcesses) {
  Profile p = profile(R"(, "agent_rss_mib": 1048576)");
  p.capabilities.push_back("refrun-store");
  for (auto& c : bench_cases(true)) {
    if (!c.name.starts_with("store-")) continue;
    EXPECT_EQ(bench_skip_reason(c, p).find("agent_rss_mib"), std::string::npos) << c.name;
  }
}

TEST(BenchSkip, AMissingCapabilityIsNamed) {
  Profile p = parse_profile(
      parse_json_text(R"({"name": "p", "command": ["/bin/sh"], "capabilities": ["no-python"]})",
                      "p.json"),
      "p.json", "/b");
  EXPECT_EQ(bench_skip_reason(agents(64), p), "profile p lacks capability \"c10d\"");
}

}  // namespace
}  // namespace launchcheck
