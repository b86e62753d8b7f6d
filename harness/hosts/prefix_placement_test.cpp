// The command-prefix placement through a fake ssh (testdata/fake/fake_ssh.sh:
// joins its words and re-parses them with a shell, drops the environment,
// starts in $HOME, forwards no signal): arguments, environment and working
// directory arrive intact, and kill_host's command finds what a dead "ssh"
// left running.
#include "prefix_placement.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;

namespace launchcheck {
namespace {

const std::string kFakeSsh = std::string(TESTDATA_DIR) + "/fake/fake_ssh.sh";

bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
}

class PrefixPlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/lc-prefix-test-XXXXXX";
    dir_ = mkdtemp(templ);
    tag_ = "lc-test-" + std::to_string(getpid());
    p_ = std::make_unique<PrefixPlacement>(PrefixConfig{
        {kFakeSsh, "{host}", "--"},
        {{"h1", {"node17", "10.1.2.17"}}},
        {"/bin/sh", "-c",
         "for p in /proc/[0-9]*; do grep -qzx LAUNCHCHECK_RUN_TAG={tag} $p/environ 2>/dev/null "
         "&& kill -9 ${p#/proc/}; done; true"},
        tag_});
  }
  void TearDown() override { fs::remove_all(dir_); }

  common::SpawnOptions sh(const std::vector<std::string>& args) {
    common::SpawnOptions o;
    o.program = "/bin/sh";
    o.argv = {"sh", "-c"};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.env = std::vector<std::string>{"PATH=/usr/bin:/bin", "MY VAR=x", "MYVAR=it's $HOME \"q\""};
    o.cwd = dir_;
    return o;
  }

  std::string dir_, tag_;
  std::unique_ptr<PrefixPlacement> p_;
};

TEST_F(PrefixPlacementTest, ArgumentsEnvironmentAndCwdArriveIntact) {
  common::SpawnOptions o = sh({"printf '[%s]' \"$@\"; echo; echo \"$MYVAR|$LAUNCHCHECK_RUN_TAG\"; pwd",
                               "arg0", "a b", "it's", "$HOME", ""});
  p_->place("h1", o);
  EXPECT_EQ(o.argv.front(), kFakeSsh);
  EXPECT_EQ(o.argv[1], "node17");
  EXPECT_FALSE(o.env.has_value());
  int out[2], err[2];
  ASSERT_EQ(pipe(out), 0);
  ASSERT_EQ(pipe(err), 0);
  o.stdout_fd = out[1];
  o.stderr_fd = err[1];
  common::Process proc = common::spawn(o);
  close(out[1]);
  close(err[1]);
  auto read_all = [](int fd) {
    std::string s;
    char buf[256];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, n);
    close(fd);
    return s;
  };
  EXPECT_EQ(read_all(out[0]),
            "[a b][it's][$HOME][]\nit's $HOME \"q\"|" + tag_ + "\n" + dir_ + "\n");
  EXPECT_EQ(read_all(err[0]), "fake_ssh: node17\n");
  EXPECT_TRUE(proc.wait().success());
  EXPECT_EQ(p_->hosts().at(0).addr, "10.1.2.17");
  EXPECT_THROW(p_->place("h2", o), std::invalid_argument);
}

TEST_F(PrefixPlacementTest, KillHostEndsWhatADeadSshLeftAndNetworkFaultsAreRefused) {
  std::string pidfile = dir_ + "/pid";
  common::SpawnOptions o = sh({"echo $$ > " + pidfile + "; exec sleep 60"});
  p_->place("h1", o);
  common::Process ssh = common::spawn(o);
  pid_t remote = 0;
  for (int i = 0; i < 500 && !remote; ++i) {
    std::ifstream in(pidfile);
    if (!(in >> remote)) remote = 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(remote, 0);
  kill(ssh.pid(), SIGKILL);  // as when ssh dies: the remote command lives on
  ssh.wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(alive(remote));
  EXPECT_EQ(p_->kill_host("h1"), "");
  for (int i = 0; i < 300 && alive(remote); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(alive(remote));
  EXPECT_NE(p_->isolate("h1").find("not supported"), std::string::npos);
  EXPECT_NE(p_->partition({{"h1"}}).find("not supported"), std::string::npos);
  EXPECT_NE(p_->heal().find("not supported"), std::string::npos);
  PrefixPlacement no_kill(PrefixConfig{{kFakeSsh, "{host}", "--"}, {}, {}, "t"});
  EXPECT_NE(no_kill.kill_host("h1").find("not supported"), std::string::npos);
}

}  // namespace
}  // namespace launchcheck
