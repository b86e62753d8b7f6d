// Python workers through a real interpreter: script, -m and --run-path.
#include <gtest/gtest.h>

#include "refrun_harness.h"

namespace refrun {

namespace {
// Debian's python3 if present (the pyenv shim is slow to start), else PATH.
std::map<std::string, std::string> python_env(const ScratchDir& dir) {
  std::map<std::string, std::string> env{{"OUT_DIR", dir.path()}, {"PYTHONPATH", TEST_SOURCE_DIR}};
  if (file_exists("/usr/bin/python3")) env["PYTHON_EXEC"] = "/usr/bin/python3";
  return env;
}
}  // namespace

TEST(RefrunPython, ScriptModuleAndRunPath) {
  ScratchDir dir;
  auto env = python_env(dir);
  auto r = run_refrun({"--nproc-per-node=2", e2e_script("touch_rank.py"), "s${local_rank}_"}, env,
                      dir.path());
  if (r.err.find("no such executable") != std::string::npos) GTEST_SKIP() << "no python3";
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(dir / "s1_1"), "__main__ s1_\n");

  r = run_refrun({"--nproc-per-node=2", "-m", "touch_rank", "m_"}, env, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(dir / "m_0"), "__main__ m_\n");

  r = run_refrun({"--nproc-per-node=2", "--run-path", e2e_script("touch_rank.py"), "p_"}, env,
                 dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(dir / "p_1"), "__main__ p_\n");
}

}  // namespace refrun
