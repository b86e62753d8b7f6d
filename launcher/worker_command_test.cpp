#include "worker_command.h"

#include <gtest/gtest.h>

namespace refrun {

using Argv = std::vector<std::string>;

TEST(WorkerCommand, PythonScript) {
  LaunchConfig c;
  c.script = "train.py";
  c.script_args = {"--lr", "0.1", "--dev=cuda:${local_rank}"};
  EXPECT_EQ(worker_argv(c, "/usr/bin/python3", 2),
            (Argv{"/usr/bin/python3", "-u", "train.py", "--lr", "0.1", "--dev=cuda:2"}));
}

TEST(WorkerCommand, Module) {
  LaunchConfig c;
  c.module = true;
  c.script = "pkg.train";
  EXPECT_EQ(worker_argv(c, "py", 0), (Argv{"py", "-u", "-m", "pkg.train"}));
}

TEST(WorkerCommand, NoPythonExecsTheScript) {
  LaunchConfig c;
  c.no_python = true;
  c.script = "run.sh";
  c.script_args = {"${local_rank}${local_rank}"};
  EXPECT_EQ(worker_argv(c, "/abs/run.sh", 1), (Argv{"run.sh", "11"}));
}

TEST(WorkerCommand, RunPathUsesRunpy) {
  LaunchConfig c;
  c.run_path = true;
  c.script = "t.py";
  c.script_args = {"a"};
  Argv argv = worker_argv(c, "py", 0);
  ASSERT_EQ(argv.size(), 6u);
  EXPECT_EQ(argv[1], "-u");
  EXPECT_EQ(argv[2], "-c");
  EXPECT_NE(argv[3].find("runpy.run_path(sys.argv[0], run_name='__main__')"), std::string::npos);
  EXPECT_EQ(argv[4], "t.py");
  EXPECT_EQ(argv[5], "a");
}

TEST(WorkerCommand, PythonExecutable) {
  EXPECT_EQ(python_executable({{"PYTHON_EXEC", "/bin/sh"}}), "/bin/sh");
  EXPECT_EQ(python_executable({{"PYTHON_EXEC", "sh"}, {"PATH", "/nonexistent:/bin"}}), "/bin/sh");
  EXPECT_THROW(python_executable({{"PYTHON_EXEC", "/no/such/python"}}), UsageError);
  EXPECT_THROW(python_executable({{"PATH", "/nonexistent"}}), UsageError);
}

TEST(WorkerCommand, FindInPath) {
  EXPECT_EQ(find_in_path("sh", {{"PATH", "/nonexistent:/bin"}}), "/bin/sh");
  EXPECT_EQ(find_in_path("/bin/sh", {}), "/bin/sh");
  EXPECT_EQ(find_in_path("no-such-command-xyz", {{"PATH", "/bin"}}), "");
}

TEST(WorkerCommand, LocalRankSubstitutionIsPythonTemplate) {
  LaunchConfig c;
  c.no_python = true;
  c.script = "run.sh";
  c.script_args = {"$local_rank", "a$${local_rank}", "${other}", "$", "cost$5"};
  EXPECT_EQ(worker_argv(c, "/abs/run.sh", 3),
            (Argv{"run.sh", "3", "a${local_rank}", "${other}", "$", "cost$5"}));
}

}  // namespace refrun
