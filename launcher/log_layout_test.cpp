#include "log_layout.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

namespace refrun {

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char buf[] = "/tmp/refrun_unit_XXXXXX";
    path = mkdtemp(buf);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};
bool is_dir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

TEST(LogLayout, RunDirIsRunIdPlusRandomUnderTheLogDir) {
  TempDir t;
  std::string run = make_run_log_dir(t.path + "/a/b", "job1", {});
  EXPECT_EQ(run.rfind(t.path + "/a/b/job1_", 0), 0u) << run;
  EXPECT_TRUE(is_dir(run));
  EXPECT_NE(make_run_log_dir(t.path + "/a/b", "job1", {}), run);  // fresh each time
}

TEST(LogLayout, DefaultIsAFreshTempDir) {
  TempDir t;
  std::string run = make_run_log_dir("", "none", {{"TMPDIR", t.path}});
  EXPECT_EQ(run.rfind(t.path + "/refrun_", 0), 0u) << run;
  EXPECT_NE(run.find("/none_"), std::string::npos);
}

TEST(LogLayout, DefaultBasesOfDeadRefrunsWithoutFilesAreSwept) {
  // Issue 12: a SIGKILLed refrun left its $TMPDIR/refrun_* every time.
  TempDir t;
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  std::string d = std::to_string(dead);
  std::string empty = t.path + "/refrun_" + d + "_aaaaaa";
  std::string with_log = t.path + "/refrun_" + d + "_bbbbbb";
  std::string live = t.path + "/refrun_" + std::to_string(getpid()) + "_cccccc";
  std::string other = t.path + "/refrun_notapid";
  for (auto& p : {empty, with_log, live, other}) std::filesystem::create_directories(p + "/job_x/attempt_0/0");
  fclose(fopen((with_log + "/job_x/attempt_0/0/stdout.log").c_str(), "w"));
  std::string run = make_run_log_dir("", "job", {{"TMPDIR", t.path}});
  EXPECT_FALSE(is_dir(empty));
  EXPECT_TRUE(is_dir(with_log));
  EXPECT_TRUE(is_dir(live));
  EXPECT_TRUE(is_dir(other));
  EXPECT_EQ(run.rfind(t.path + "/refrun_" + std::to_string(getpid()) + "_", 0), 0u) << run;
}

TEST(LogLayout, UnusableLogDirIsAUsageError) {
  TempDir t;
  std::string file = t.path + "/file";
  fclose(fopen(file.c_str(), "w"));
  EXPECT_THROW(make_run_log_dir(file, "x", {}), UsageError);
  EXPECT_THROW(make_run_log_dir(file + "/sub", "x", {}), UsageError);
  if (geteuid() != 0) {  // root may write anywhere
    std::string ro = t.path + "/ro";
    mkdir(ro.c_str(), 0555);
    EXPECT_THROW(make_run_log_dir(ro, "x", {}), UsageError);
  }
}

TEST(LogLayout, AttemptDirsPerLocalRank) {
  TempDir t;
  auto paths = make_attempt_dirs(t.path, 2, 3);
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[1].dir, t.path + "/attempt_2/1");
  EXPECT_EQ(paths[1].stdout_log, t.path + "/attempt_2/1/stdout.log");
  EXPECT_EQ(paths[1].stderr_log, t.path + "/attempt_2/1/stderr.log");
  EXPECT_EQ(paths[1].error_file, t.path + "/attempt_2/1/error.json");
  EXPECT_TRUE(is_dir(paths[2].dir));
}

TEST(LogLinePrefix, DefaultIsRoleAndLocalRankWithColon) {
  EXPECT_EQ(log_line_prefix("", "default", 5, 1), "[default1]:");
  EXPECT_EQ(log_line_prefix("", "trainer", 0, 0), "[trainer0]:");
}

TEST(LogLinePrefix, TemplateSubstitution) {
  EXPECT_EQ(log_line_prefix("[rank${rank}]: ", "default", 3, 1), "[rank3]: ");
  EXPECT_EQ(log_line_prefix("${role_name}/$local_rank/${rank}", "r", 7, 2), "r/2/7");
  // safe_substitute: unknown names and lone dollars stay; $$ is a dollar.
  EXPECT_EQ(log_line_prefix("${nope} $x $$ $", "r", 0, 0), "${nope} $x $ $");
}

TEST(LogLayout, RemoveIfNoFilesKeepsLogs) {
  TempDir t;
  std::string empty = make_run_log_dir(t.path + "/empty", "x", {});
  make_attempt_dirs(empty, 0, 2);
  remove_if_no_files(t.path + "/empty");
  EXPECT_FALSE(is_dir(t.path + "/empty"));
  std::string full = make_run_log_dir(t.path + "/full", "x", {});
  auto paths = make_attempt_dirs(full, 0, 2);
  fclose(fopen(paths[1].error_file.c_str(), "w"));
  remove_if_no_files(t.path + "/full");
  EXPECT_TRUE(is_dir(paths[1].dir));
}

}  // namespace refrun
