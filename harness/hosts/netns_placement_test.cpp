// The local placement against the real kernel: hosts with their own names,
// addresses and /etc/hosts, TCP between them, isolate/partition/heal,
// kill_host, and nothing left once the placement is gone. Needs root (or the
// capabilities); elsewhere every test is skipped with the probe's reason.
#include "netns_placement.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "common/spawn.h"
#include "host_probe.h"

namespace fs = std::filesystem;

namespace launchcheck {
namespace {

std::set<std::string> root_links() {
  std::set<std::string> out;
  for (auto& l : fs::directory_iterator("/sys/class/net")) out.insert(l.path().filename());
  return out;
}

class NetnsPlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why = hosts_unavailable_reason();
    if (!why.empty()) GTEST_SKIP() << why;
    char templ[] = "/tmp/lc-hosts-test-XXXXXX";
    dir_ = mkdtemp(templ);
    links_before_ = root_links();
    p_ = std::make_unique<NetnsPlacement>(std::vector<std::string>{"h0", "h1", "h2"}, dir_,
                                          getpid());
    ASSERT_EQ(p_->start(), "");
  }
  void TearDown() override {
    if (dir_.empty()) return;
    for (auto& s : servers_) {
      kill(s.pid(), SIGKILL);
      s.wait();
    }
    p_.reset();
    fs::remove_all(dir_);
  }

  common::Process start_on(const std::string& host, const std::string& script, int out_fd = -1) {
    common::SpawnOptions o;
    o.program = "/bin/sh";
    o.argv = {"sh", "-c", script};
    o.cwd = dir_;
    o.stdout_fd = out_fd;
    p_->place(host, o);
    return common::spawn(o);
  }
  // What `script` prints on `host`, and whether it exited 0.
  std::string run_on(const std::string& host, const std::string& script, bool* ok = nullptr) {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
    common::Process p = start_on(host, script, fds[1]);
    close(fds[1]);
    std::string out;
    char buf[512];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, n);
    close(fds[0]);
    bool success = p.wait().success();
    if (ok) *ok = success;
    return out;
  }
  void serve(const std::string& host) {
    servers_.push_back(start_on(host,
        "exec python3 -c 'import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,"
        "socket.SO_REUSEADDR,1)\ns.bind((\"0.0.0.0\",7000))\ns.listen(64)\nwhile True: "
        "s.accept()[0].close()'"));
  }
  // A TCP connect from `from` to port 7000 of `to`, `tries` times (the
  // server may still be starting); a dropped SYN gives up after 1 s.
  bool reaches(const std::string& from, const std::string& to, int tries = 20) {
    bool ok = false;
    run_on(from, "i=0; while [ $i -lt " + std::to_string(tries) + " ]; do timeout 1 bash -c "
                 "': </dev/tcp/" + to + "/7000' 2>/dev/null && exit 0; i=$((i+1)); sleep 0.2; "
                 "done; exit 1", &ok);
    return ok;
  }
  bool cut_off(const std::string& from, const std::string& to) { return !reaches(from, to, 1); }

  std::string dir_;
  std::set<std::string> links_before_;
  std::unique_ptr<NetnsPlacement> p_;
  std::vector<common::Process> servers_;
};

TEST_F(NetnsPlacementTest, EachHostHasItsNameAddressAndResolvesTheOthers) {
  EXPECT_EQ(run_on("h1", "hostname; pwd; getent hosts h2 | cut -d' ' -f1"),
            "h1\n" + dir_ + "\n10.213.0.3\n");
  EXPECT_EQ(run_on("h0", "ls /sys/class/net | tr '\\n' ' '"), "eth0 lo ");
  auto hosts = p_->hosts();
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[2].name, "h2");
  EXPECT_EQ(hosts[2].addr, "10.213.0.3");
  // Nothing appeared in the root namespace.
  EXPECT_EQ(root_links(), links_before_);
}

TEST_F(NetnsPlacementTest, IsolatePartitionAndHeal) {
  serve("h0");
  serve("h2");
  EXPECT_TRUE(reaches("h1", "h0"));
  EXPECT_TRUE(reaches("h1", "h2"));
  EXPECT_EQ(p_->isolate("h1"), "");
  EXPECT_TRUE(cut_off("h1", "h0"));
  EXPECT_TRUE(reaches("h2", "h0"));
  EXPECT_EQ(p_->heal(), "");
  EXPECT_TRUE(reaches("h1", "h0"));
  EXPECT_EQ(p_->partition({{"h0", "h1"}, {"h2"}}), "");
  EXPECT_TRUE(reaches("h1", "h0"));
  EXPECT_TRUE(cut_off("h1", "h2"));
  EXPECT_EQ(p_->heal(), "");
  EXPECT_TRUE(reaches("h1", "h2"));
  EXPECT_NE(p_->isolate("h9"), "");
  EXPECT_NE(p_->partition({{"h0"}, {"nope"}}), "");
}

TEST_F(NetnsPlacementTest, KillHostKillsEveryProcessOnItAndNothingElse) {
  common::Process a = start_on("h1", "sleep 60 & sleep 60 & wait");
  common::Process b = start_on("h2", "sleep 60");
  unsigned long h1 = p_->net_namespace_inode("h1");
  ASSERT_NE(h1, 0u);
  for (int i = 0; i < 500 && processes_in_netns(h1, getpid()).size() < 3; ++i) usleep(10000);
  EXPECT_EQ(processes_in_netns(h1, getpid()).size(), 3u);
  EXPECT_EQ(p_->kill_host("h1"), "");
  EXPECT_EQ(a.wait(), common::ExitStatus::killed(SIGKILL));
  EXPECT_TRUE(processes_in_netns(h1, getpid()).empty());
  EXPECT_NE(p_->kill_host("h1"), "");  // nothing of ours is left there
  EXPECT_NE(p_->kill_host("h7"), "");
  EXPECT_FALSE(b.try_reap().has_value());  // h2 untouched
  EXPECT_EQ(p_->kill_host("h2"), "");
  EXPECT_EQ(b.wait(), common::ExitStatus::killed(SIGKILL));
}

// The namespaces live exactly as long as the placement (and the processes on
// its hosts): no name, no link in the root namespace, nothing to sweep.
TEST_F(NetnsPlacementTest, NothingIsLeftOnceThePlacementIsGone) {
  common::Process p = start_on("h2", "exit 0");
  p.wait();
  std::vector<std::string> ours;
  for (auto h : {"h0", "h1", "h2"})
    ours.push_back("net:[" + std::to_string(p_->net_namespace_inode(h)) + "]");
  for (auto& ns : ours) EXPECT_TRUE(namespace_held(ns)) << ns;
  p_.reset();
  for (auto& ns : ours) EXPECT_FALSE(namespace_held(ns)) << ns << " is still held";
  EXPECT_EQ(root_links(), links_before_);
  EXPECT_FALSE(fs::exists("/run/netns/h0"));
}

}  // namespace
}  // namespace launchcheck
