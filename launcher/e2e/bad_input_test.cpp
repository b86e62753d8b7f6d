// Bad input to refrun (issue 12, item 9): each case must end with exit 2 and
// one line on stderr that names what is wrong, before anything is created.
#include <dirent.h>
#include <gtest/gtest.h>

#include "refrun_harness.h"

namespace refrun {

namespace {

struct BadInput {
  std::vector<std::string> args;
  std::string must_say;
};

int entries(const std::string& dir) {
  int n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

void expect_one_line_usage_error(const BadInput& c) {
  ScratchDir dir, tmp;
  auto r = run_refrun(c.args, {{"TMPDIR", tmp.path()}, {"PET_NPROC_PER_NODE", "<unset>"}},
                      dir.path());
  std::string shown = c.args.back().substr(0, 60);
  EXPECT_EQ(r.code, 2) << shown << "\n" << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << shown << "\n" << r.err;
  EXPECT_NE(r.err.find(c.must_say), std::string::npos) << shown << "\n" << r.err;
  EXPECT_LT(r.err.size(), 300u) << r.err;
  EXPECT_EQ(entries(tmp.path()), 0) << shown << ": something was created in $TMPDIR";
}

}  // namespace

TEST(RefrunBadInput, EmptyScriptWithNoPython) {
  // Used to exec the first PATH directory: 16 lines, exit 1.
  expect_one_line_usage_error({{"--no-python", ""}, "training_script '': an empty name"});
}

TEST(RefrunBadInput, DirectoryAsScriptWithNoPython) {
  expect_one_line_usage_error({{"--no-python", TEST_SOURCE_DIR}, "is a directory"});
}

TEST(RefrunBadInput, LongRunIdBlamesRdzvId) {
  // Used to blame --log-dir ("File name too long").
  expect_one_line_usage_error(
      {{"--rdzv-id=" + std::string(5000, 'x'), "--no-python", "/bin/true"},
       "--rdzv-id xxxxxxxx"});
  expect_one_line_usage_error(
      {{"--rdzv-id=" + std::string(5000, 'x'), "--no-python", "/bin/true"},
       "(5000 characters): longer than 200 characters"});
}

TEST(RefrunBadInput, HugeNprocIsRefusedBeforeAnyDirectory) {
  // Used to create 100,003 log directories first.
  expect_one_line_usage_error(
      {{"--nproc-per-node=100000", "--no-python", "/bin/true"}, "limit of 4096"});
}

TEST(RefrunBadInput, NumbersThatWouldOverflow) {
  expect_one_line_usage_error(
      {{"--stop-timeout=1e308", "--no-python", "/bin/true"}, "--stop-timeout 1e308"});
  expect_one_line_usage_error(
      {{"--nnodes=2147483647", "--nproc-per-node=2", "--no-python", "/bin/true"}, "--nnodes"});
  expect_one_line_usage_error(
      {{"--standalone", "--rdzv-conf=join_timeout=1e400", "--no-python", "/bin/true"},
       "join_timeout=1e400"});
}

}  // namespace refrun
