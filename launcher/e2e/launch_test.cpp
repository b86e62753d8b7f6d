// refrun on real shell workers: ranks, environment, failures, restarts,
// logs. Signals and process cleanup are in signals_test.cpp.
#include <dirent.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "refrun_harness.h"

namespace refrun {

namespace {

std::map<std::string, std::string> parse_env_file(const std::string& path) {
  std::map<std::string, std::string> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> out;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(e->d_name);
    closedir(d);
  }
  return out;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1))
    ++n;
  return n;
}

}  // namespace

TEST(RefrunLaunch, FourWorkersTouchFilesNamedAfterTheirRank) {
  ScratchDir dir;
  auto r = run_refrun({"--nproc-per-node=4", "--no-python", e2e_script("record_env.sh")},
                      {{"OUT_DIR", dir.path()}}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  for (int rank = 0; rank < 4; ++rank) EXPECT_TRUE(file_exists(dir / std::to_string(rank)));
  EXPECT_FALSE(file_exists(dir / "4"));
}

TEST(RefrunLaunch, DefaultIsOneWorker) {
  ScratchDir dir;
  auto r = run_refrun({"--no-python", e2e_script("record_env.sh")}, {{"OUT_DIR", dir.path()}},
                      dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(file_exists(dir / "0"));
  EXPECT_FALSE(file_exists(dir / "1"));
  // One worker: no OMP_NUM_THREADS default and no warning.
  EXPECT_EQ(parse_env_file(dir / "env_0")["OMP_NUM_THREADS"], "<unset>");
  EXPECT_EQ(r.err.find("OMP_NUM_THREADS"), std::string::npos);
}

TEST(RefrunLaunch, WorkersGetTheContractEnvironment) {
  ScratchDir dir;
  auto r = run_refrun({"--nproc_per_node", "3", "--master-addr=10.1.2.3", "--master_port", "23456",
                       "--max-restarts=2", "--rdzv-id=job7", "--no-python",
                       e2e_script("record_env.sh"), "--flag", "lr=${local_rank}"},
                      {{"OUT_DIR", dir.path()}, {"TEST_SENTINEL_PARENT", "FOOBAR"}}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("Setting OMP_NUM_THREADS environment variable"), std::string::npos);
  for (int rank = 0; rank < 3; ++rank) {
    SCOPED_TRACE("rank " + std::to_string(rank));
    auto env = parse_env_file(dir / ("env_" + std::to_string(rank)));
    std::string r_s = std::to_string(rank);
    EXPECT_EQ(env["LOCAL_RANK"], r_s);
    EXPECT_EQ(env["RANK"], r_s);
    EXPECT_EQ(env["GROUP_RANK"], "0");
    EXPECT_EQ(env["ROLE_RANK"], r_s);
    EXPECT_EQ(env["ROLE_NAME"], "default");
    EXPECT_EQ(env["ROLE_WORLD_SIZE"], "3");
    EXPECT_EQ(env["LOCAL_WORLD_SIZE"], "3");
    EXPECT_EQ(env["WORLD_SIZE"], "3");
    EXPECT_EQ(env["GROUP_WORLD_SIZE"], "1");
    EXPECT_EQ(env["MASTER_ADDR"], "10.1.2.3");
    EXPECT_EQ(env["MASTER_PORT"], "23456");
    EXPECT_EQ(env["TORCHELASTIC_RESTART_COUNT"], "0");
    EXPECT_EQ(env["TORCHELASTIC_MAX_RESTARTS"], "2");
    EXPECT_EQ(env["TORCHELASTIC_RUN_ID"], "job7");
    EXPECT_EQ(env["TORCHELASTIC_USE_AGENT_STORE"], "False");
    EXPECT_TRUE(std::regex_match(env["TORCHELASTIC_ERROR_FILE"],
                                 std::regex(".*/job7_[^/]+/attempt_0/" + r_s + "/error.json")))
        << env["TORCHELASTIC_ERROR_FILE"];
    EXPECT_EQ(env["OMP_NUM_THREADS"], "1");
    EXPECT_EQ(env["TORCH_NCCL_ASYNC_ERROR_HANDLING"], "1");
    EXPECT_EQ(env["TEST_SENTINEL_PARENT"], "FOOBAR");
    EXPECT_EQ(env["ARGS"], "--flag lr=" + r_s);
  }
}

TEST(RefrunLaunch, StaticNodeRankOffsetsGlobalRanks) {
  ScratchDir dir;
  // Node 1 of 2 computes its ranks from the static membership alone.
  auto r = run_refrun({"--nnodes=2", "--node-rank=1", "--nproc-per-node=2", "--no-python",
                       e2e_script("record_env.sh")},
                      {{"OUT_DIR", dir.path()}, {"OMP_NUM_THREADS", "4"}}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  auto env = parse_env_file(dir / "env_3");
  EXPECT_EQ(env["LOCAL_RANK"], "1");
  EXPECT_EQ(env["GROUP_RANK"], "1");
  EXPECT_EQ(env["WORLD_SIZE"], "4");
  EXPECT_EQ(env["GROUP_WORLD_SIZE"], "2");
  EXPECT_EQ(env["OMP_NUM_THREADS"], "4");  // the user's value is kept
}

TEST(RefrunLaunch, StandaloneUsesLocalhostAFreePortAndAUuid) {
  ScratchDir dir;
  auto r =
      run_refrun({"--standalone", "--nproc-per-node=2", "--no-python", e2e_script("record_env.sh")},
                 {{"OUT_DIR", dir.path()}}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  auto env0 = parse_env_file(dir / "env_0"), env1 = parse_env_file(dir / "env_1");
  EXPECT_EQ(env0["MASTER_ADDR"], "localhost");
  EXPECT_NE(env0["MASTER_PORT"], "29500");
  EXPECT_EQ(env0["MASTER_PORT"], env1["MASTER_PORT"]);
  EXPECT_TRUE(std::regex_match(
      env0["TORCHELASTIC_RUN_ID"],
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << env0["TORCHELASTIC_RUN_ID"];
}

TEST(RefrunLaunch, StandaloneRunsTheC10dBackend) {
  // As upstream, --standalone is c10d on localhost:0: the backend reads
  // --rdzv-conf, so a bad value there is refused (static would ignore it).
  ScratchDir dir;
  auto r = run_refrun({"--standalone", "--rdzv-conf=keep_alive_interval=oops", "--no-python",
                       e2e_script("record_env.sh")},
                      {{"OUT_DIR", dir.path()}}, dir.path());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("keep_alive_interval=oops"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "env_0"));
}

TEST(RefrunLaunch, ConfigurationFromPetVariables) {
  ScratchDir dir;
  auto r = run_refrun({e2e_script("record_env.sh")},
                      {{"OUT_DIR", dir.path()},
                       {"PET_NPROC_PER_NODE", "2"},
                       {"PET_NO_PYTHON", "1"},
                       {"PET_MAX_RESTARTS", "5"}},
                      dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(file_exists(dir / "1"));
  EXPECT_FALSE(file_exists(dir / "2"));
  EXPECT_EQ(parse_env_file(dir / "env_0")["TORCHELASTIC_MAX_RESTARTS"], "5");
}

TEST(RefrunLaunch, PythonModeRunsInterpreterWithMinusU) {
  ScratchDir dir;
  // PYTHON_EXEC=/bin/sh: "sh -u script args" shows the python-mode command
  // line without needing Python.
  auto r = run_refrun({"--nproc-per-node=2", e2e_script("record_env.sh"), "a${local_rank}"},
                      {{"OUT_DIR", dir.path()}, {"PYTHON_EXEC", "/bin/sh"}}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(parse_env_file(dir / "env_1")["ARGS"], "a1");
}

TEST(RefrunLaunch, FailingRankGivesSummaryNamingIt) {
  ScratchDir dir;
  auto r = run_refrun({"--nproc-per-node=4", "--no-python", e2e_script("fail_rank.sh")},
                      {{"OUT_DIR", dir.path()}, {"FAIL_RANK", "1"}, {"SLEEP", "30"}}, dir.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("fail_rank.sh FAILED"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Root Cause (first observed failure):"), std::string::npos);
  EXPECT_NE(r.err.find("  rank      : 1 (local_rank: 1)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  exitcode  : 3 (pid: "), std::string::npos);
  EXPECT_NE(r.err.find("  error_file: <N/A>"), std::string::npos);
  EXPECT_NE(r.err.find("<NO_OTHER_FAILURES>"), std::string::npos);
  // Workers refrun stopped are not failures of their own.
  EXPECT_EQ(r.err.find("rank      : 0"), std::string::npos);
  EXPECT_EQ(count(r.err, "exitcode  :"), 1u);
}

TEST(RefrunLaunch, SummaryShowsTheWorkersErrorRecord) {
  ScratchDir dir;
  auto r = run_refrun(
      {"--nproc-per-node=2", "--no-python", e2e_script("fail_rank.sh")},
      {{"OUT_DIR", dir.path()}, {"FAIL_RANK", "0"}, {"WRITE_ERROR", "1"}, {"SLEEP", "30"}},
      dir.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("error_file: /.*/attempt_0/0/error.json")))
      << r.err;
  EXPECT_NE(r.err.find("traceback : Traceback (most recent call last):\n  RuntimeError: boom"),
            std::string::npos)
      << r.err;
}

TEST(RefrunLaunch, RestartAfterFailureIncrementsRestartCount) {
  ScratchDir dir;
  auto r = run_refrun(
      {"--nproc-per-node=2", "--max-restarts=1", "--no-python", e2e_script("fail_rank.sh")},
      {{"OUT_DIR", dir.path()}, {"FAIL_RANK", "1"}, {"FAIL_ATTEMPTS", "1"}}, dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* f : {"attempt_0_rank_1", "attempt_1_rank_0", "attempt_1_rank_1"})
    EXPECT_TRUE(file_exists(dir / f)) << f;
  EXPECT_FALSE(file_exists(dir / "attempt_2_rank_0"));
  EXPECT_NE(r.err.find("restarting"), std::string::npos) << r.err;
}

TEST(RefrunLaunch, RestartsRunOutThenFail) {
  ScratchDir dir;
  auto r = run_refrun(
      {"--nproc-per-node=2", "--max-restarts=2", "--no-python", e2e_script("fail_rank.sh")},
      {{"OUT_DIR", dir.path()}, {"FAIL_RANK", "0"}, {"FAIL_ATTEMPTS", "9"}}, dir.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(file_exists(dir / "attempt_2_rank_0"));
  EXPECT_FALSE(file_exists(dir / "attempt_3_rank_0"));
  EXPECT_NE(r.err.find("FAILED"), std::string::npos);
}

TEST(RefrunLaunch, BadOptionIsOneLineExit2AndStartsNothing) {
  ScratchDir dir;
  for (std::vector<std::string> bad : {std::vector<std::string>{"--nnodes=2:20:30"},
                                       {"--nproc-per-node=unknown"},
                                       {"--max-restarts=-1"},
                                       {"--signals-to-handle=SIGFOO"},
                                       {"--no-python", "--module"},
                                       {"--logs-specs=nope"},
                                       {"--bogus-option"},
                                       {"--tee=7"}}) {
    std::vector<std::string> args = bad;
    args.push_back("--no-python");
    args.push_back(e2e_script("record_env.sh"));
    auto r = run_refrun(args, {{"OUT_DIR", dir.path()}}, dir.path());
    SCOPED_TRACE(bad.front());
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err.rfind("refrun: error: ", 0), 0u) << r.err;
    EXPECT_EQ(count(r.err, "\n"), 1u) << r.err;
    EXPECT_FALSE(file_exists(dir / "0"));
    // Nothing half-started: no log dir either (TMPDIR is the scratch dir).
    for (const std::string& name : list_dir(dir.path()))
      EXPECT_TRUE(name == "refrun.stdout" || name == "refrun.stderr") << name;
  }
  auto r = run_refrun({"--no-python", dir / "missing.sh"}, {}, dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing.sh"), std::string::npos) << r.err;
}

TEST(RefrunLaunch, TeePrefixesConsoleLinesAndKeepsFiles) {
  ScratchDir dir;
  auto r = run_refrun({"--nproc-per-node=2", "--tee=3", "--log-dir", dir / "logs", "--no-python",
                       e2e_script("say.sh")},
                      {}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[default0]:out from 0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[default1]:out from 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("[default1]:err from 1\n"), std::string::npos) << r.err;
  auto runs = list_dir(dir / "logs");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(read_file(dir / ("logs/" + runs[0] + "/attempt_0/1/stdout.log")), "out from 1\n");
  EXPECT_EQ(read_file(dir / ("logs/" + runs[0] + "/attempt_0/1/stderr.log")), "err from 1\n");
}

TEST(RefrunLaunch, PrefixTemplateFromEnvironment) {
  ScratchDir dir;
  auto r = run_refrun(
      {"--nproc-per-node=2", "--redirects=3", "--tee=1", "--no-python", e2e_script("say.sh")},
      {{"TORCHELASTIC_LOG_LINE_PREFIX_TEMPLATE", "[rank${rank}]: "}}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[rank1]: out from 1\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("err from"), std::string::npos) << r.err;  // redirected only
}

TEST(RefrunLaunch, RedirectsWriteTheLogLayout) {
  ScratchDir dir;
  auto r = run_refrun({"--nproc-per-node=2", "--redirects", "0:3,1:1", "--log-dir", dir / "logs",
                       "--rdzv-id=abc", "--no-python", e2e_script("say.sh")},
                      {}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("err from 1"), std::string::npos);  // rank 1 redirects stdout only
  auto runs = list_dir(dir / "logs");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].rfind("abc_", 0), 0u) << runs[0];
  std::string a0 = dir / ("logs/" + runs[0] + "/attempt_0");
  EXPECT_EQ(read_file(a0 + "/0/stdout.log"), "out from 0\n");
  EXPECT_EQ(read_file(a0 + "/0/stderr.log"), "err from 0\n");
  EXPECT_EQ(read_file(a0 + "/1/stdout.log"), "out from 1\n");
  EXPECT_FALSE(file_exists(a0 + "/1/stderr.log"));
}

TEST(RefrunLaunch, LocalRanksFilterLimitsTheConsole) {
  ScratchDir dir;
  auto r = run_refrun({"--nproc-per-node=3", "--tee=3", "--local-ranks-filter=0,2", "--log-dir",
                       dir / "logs", "--no-python", e2e_script("say.sh")},
                      {}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[default2]:out from 2"), std::string::npos);
  EXPECT_EQ(r.out.find("from 1"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("from 1"), std::string::npos) << r.err;
  auto runs = list_dir(dir / "logs");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(read_file(dir / ("logs/" + runs[0] + "/attempt_0/1/stdout.log")), "out from 1\n");
}

TEST(RefrunLaunch, TeedLinesArriveWholeAndOnce) {
  ScratchDir dir;
  const int kLines = 10000;
  auto r = run_refrun({"--nproc-per-node=4", "--tee=1", "--no-python", e2e_script("many_lines.sh")},
                      {{"LINES", std::to_string(kLines)}}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  std::map<std::string, int> seen;
  std::istringstream in(r.out);
  size_t lines = 0;
  std::regex line_re(R"(\[default([0-3])\]:rank \1 (line \d+ \.{64}|last line without newline))");
  for (std::string line; std::getline(in, line); ++lines) {
    ASSERT_TRUE(std::regex_match(line, line_re)) << "mangled line: " << line;
    ++seen[line];
  }
  EXPECT_EQ(lines, 4u * (kLines + 1));
  EXPECT_EQ(seen.size(), 4u * (kLines + 1));  // each line exactly once
}

TEST(RefrunLaunch, HelpAndVersion) {
  ScratchDir dir;
  auto r = run_refrun({"--help"}, {}, dir.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--nproc-per-node"), std::string::npos);
  r = run_refrun({"--version"}, {}, dir.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("refrun ", 0), 0u);
}

TEST(RefrunLaunch, GpuCountOverrideAndVirtualLocalRank) {
  ScratchDir dir;
  auto r = run_refrun(
      {"--nproc-per-node=gpu", "--virtual-local-rank", "--no-python", e2e_script("record_env.sh")},
      {{"OUT_DIR", dir.path()}, {"REFRUN_GPU_COUNT", "2"}, {"CUDA_VISIBLE_DEVICES", "4,5"}},
      dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(file_exists(dir / "2"));
  auto env1 = parse_env_file(dir / "env_1");
  EXPECT_EQ(env1["LOCAL_RANK"], "0");
  EXPECT_EQ(env1["RANK"], "1");
  EXPECT_EQ(env1["CUDA_VISIBLE_DEVICES"], "5");
  EXPECT_EQ(parse_env_file(dir / "env_0")["CUDA_VISIBLE_DEVICES"], "4");
}

TEST(RefrunLaunch, NoGpuIsAUsageError) {
  ScratchDir dir;
  auto r = run_refrun({"--nproc-per-node=gpu", "--no-python", e2e_script("record_env.sh")},
                      {{"OUT_DIR", dir.path()}, {"REFRUN_GPU_COUNT", "0"}}, dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--nproc-per-node gpu"), std::string::npos) << r.err;
  EXPECT_FALSE(file_exists(dir / "0"));
}

}  // namespace refrun
