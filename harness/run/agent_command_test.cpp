// Rendering an agent's command line and environment, and its reproduce line.
#include "agent_command.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace launchcheck {
namespace {

Profile profile(const std::string& style) {
  return parse_profile(parse_json_text(R"({"name": "p", "command": ["/bin/sh", "-x"],
      "option_style": ")" + style + R"(", "env": {"PROFILE_VAR": "1"}})",
                                       "p.json"),
                       "/prof/p.json", "/b");
}

ResolvedNode node() {
  ResolvedNode n;
  n.name = "n0";
  n.options = {{"nproc_per_node", "2"}, {"no_python", "true"}, {"master_port", "29500"}};
  n.worker = {"/w/worker", "step:1"};
  n.env = {{"A", "x y"}, {"HOME", std::nullopt}};
  return n;
}

TEST(AgentCommand, RendersOptionsInTheProfilesSpellingThenTheWorker) {
  AgentContext ctx{{{"HOME", "/root"}, {"PATH", "/bin"}}, "/run/events.jsonl", "/b"};
  AgentCommand c = render_agent_command(node(), profile("dash"), ctx);
  EXPECT_EQ(c.exe, "/bin/sh");
  // torchrun's default port is left off: the launcher must default to it.
  EXPECT_EQ(c.argv, (std::vector<std::string>{"/bin/sh", "-x", "--no-python", "--nproc-per-node=2",
                                              "/w/worker", "step:1"}));
  EXPECT_EQ(render_agent_command(node(), profile("underscore"), ctx).argv[3], "--nproc_per_node=2");
}

TEST(AgentCommand, EnvironmentIsOursPlusProfileNodeAndEventLog) {
  AgentContext ctx{{{"HOME", "/root"}, {"PATH", "/bin"}}, "/run/events.jsonl", "/b"};
  AgentCommand c = render_agent_command(node(), profile("dash"), ctx);
  EXPECT_EQ(c.env_changes, (std::vector<std::string>{"PROFILE_VAR=1", "A=x y", "-HOME",
                                                     "LAUNCHCHECK_EVENTS=/run/events.jsonl",
                                                     "LAUNCHCHECK_NODE=n0"}));
  EXPECT_EQ(c.envp, (std::vector<std::string>{"A=x y", "LAUNCHCHECK_EVENTS=/run/events.jsonl",
                                              "LAUNCHCHECK_NODE=n0", "PATH=/bin",
                                              "PROFILE_VAR=1"}));
  EXPECT_EQ(reproduce_line("/run/tmp", c),
            "cd /run/tmp && env PROFILE_VAR=1 'A=x y' -u HOME LAUNCHCHECK_EVENTS=/run/events.jsonl "
            "LAUNCHCHECK_NODE=n0 /bin/sh -x --no-python --nproc-per-node=2 /w/worker step:1");
}

TEST(AgentCommand, OpenFdsAreOpenedByAShellThatExecsTheLauncher) {
  AgentContext ctx{{{"PATH", "/bin"}}, "/run/events.jsonl", "/b"};
  ResolvedNode n = node();
  n.open_fds = {{7, "/t/marker"}, {9, "/t/other"}};
  AgentCommand c = render_agent_command(n, profile("dash"), ctx);
  EXPECT_EQ(c.exe, "/bin/sh");
  EXPECT_EQ(c.argv, (std::vector<std::string>{"/bin/sh", "-c",
                                              "exec 7>>\"$1\" 9>>\"$2\"; shift 2; exec \"$@\"",
                                              "sh", "/t/marker", "/t/other", "/bin/sh", "-x",
                                              "--no-python", "--nproc-per-node=2", "/w/worker",
                                              "step:1"}));
}

TEST(AgentCommand, RawArgsReplaceOptionsAndWorker) {
  ResolvedNode n = node();
  n.raw_args = std::vector<std::string>{"--weird", "it's"};
  AgentCommand c = render_agent_command(n, profile("dash"), {{}, "/e", "/b"});
  EXPECT_EQ(c.argv, (std::vector<std::string>{"/bin/sh", "-x", "--weird", "it's"}));
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

TEST(AgentCommand, AMissingFixtureOfTheBuildStopsTheRun) {
  ResolvedNode n = node();
  n.worker = {"/nonexistent-build/bin/lc_worker"};
  EXPECT_THROW(render_agent_command(n, profile("dash"), {{}, "/e", "/nonexistent-build"}),
               std::runtime_error);
}

}  // namespace
}  // namespace launchcheck
