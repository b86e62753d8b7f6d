// The fault actions against real files, sockets and processes.
#include "nemesis.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "common/spawn.h"

namespace fs = std::filesystem;

namespace launchcheck {
namespace {

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/lc-nemesis-XXXXXX";
    dir_ = mkdtemp(templ);
  }
  void TearDown() override {
    std::error_code ec;
    for (auto& p : fs::recursive_directory_iterator(dir_, ec)) chmod(p.path().c_str(), 0755);
    fs::remove_all(dir_, ec);
  }
  std::string dir_;
};

// Whoever runs the test (root writes through permission bits), the launcher
// can no longer write there.
TEST_F(TempDir, MakeUnwritableStopsWritesToADirectory) {
  std::string logs = dir_ + "/logs";
  fs::create_directory(logs);
  EXPECT_EQ(make_unwritable(logs), "");
  int fd = open((logs + "/x").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  EXPECT_LT(fd, 0);
  if (fd >= 0) close(fd);
}

TEST_F(TempDir, MakeUnwritableStopsWritesToAFile) {
  std::string file = dir_ + "/error.json";
  close(open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  EXPECT_EQ(make_unwritable(file), "");
  int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
  EXPECT_LT(fd, 0);
  if (fd >= 0) close(fd);
}

int listener(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  EXPECT_EQ(listen(fd, 4), 0);
  *port = ntohs(a.sin_port);
  return fd;
}

TEST(SendBytes, ConnectsAndSendsEveryRepeat) {
  int port = 0;
  int l = listener(&port);
  std::string got;
  std::thread reader([&] {
    int c = accept(l, nullptr, nullptr);
    char buf[64];
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0) got.append(buf, n);
    close(c);
  });
  EXPECT_EQ(send_bytes("127.0.0.1:" + std::to_string(port), std::string("ab\0", 3), 3), "");
  reader.join();
  close(l);
  EXPECT_EQ(got, std::string("ab\0ab\0ab\0", 9));
}

TEST(SendBytes, SaysWhyItCouldNot) {
  int port = 0;
  close(listener(&port));  // nobody listens there now
  EXPECT_EQ(send_bytes("127.0.0.1:" + std::to_string(port), "x", 1),
            "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  EXPECT_EQ(send_bytes("nocolon", "x", 1), "address \"nocolon\" is not host:port");
}

WorkerEvent start(int pid, int rank) {
  WorkerEvent e;
  e.ev = "start";
  e.pid = pid;
  e.rank = rank;
  return e;
}

// A child to signal; the test reaps it by pid (the Process only closes its
// pidfd when it goes).
pid_t sleeper() {
  common::SpawnOptions opt;
  opt.program = "/bin/sleep";
  opt.argv = {"sleep", "30"};
  return common::spawn(opt).pid();
}

ResolvedFault signal_fault(Action::Target target, int rank, int signo) {
  ResolvedFault f;
  f.pointer = "/faults/0";
  f.action.kind = Action::Kind::kSignal;
  f.action.target = target;
  f.action.rank = rank;
  f.action.node = "n0";
  f.action.signo = signo;
  return f;
}

int wait_signal(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

// Signals reach a rank's latest worker, or every running worker, by pidfd.
TEST(Nemesis, SignalsWorkersByRank) {
  Nemesis n({[](const std::string&) { return 0; }, [](const std::string&) { return ""; }});
  pid_t old0 = sleeper(), new0 = sleeper(), r1 = sleeper();
  n.on_worker_event(start(old0, 0));
  n.on_worker_event(start(new0, 0));  // rank 0 restarted
  n.on_worker_event(start(r1, 1));
  FaultRecord fr = n.apply(signal_fault(Action::Target::kRank, 0, SIGTERM), 7);
  EXPECT_EQ(fr.what, "SIGTERM to rank 0's worker");
  EXPECT_EQ(fr.outcome, "");
  EXPECT_EQ(fr.at_ns, 7);
  EXPECT_EQ(wait_signal(new0), SIGTERM);
  EXPECT_EQ(n.apply(signal_fault(Action::Target::kRank, 5, SIGTERM), 0).outcome,
            "rank 5 never started");

  WorkerEvent exit;
  exit.ev = "exit";
  exit.pid = new0;
  n.on_worker_event(exit);
  fr = n.apply(signal_fault(Action::Target::kWorkers, -1, SIGKILL), 0);
  EXPECT_EQ(fr.what, "SIGKILL to all workers");
  EXPECT_EQ(fr.outcome, "");
  EXPECT_EQ(wait_signal(old0), SIGKILL);
  EXPECT_EQ(wait_signal(r1), SIGKILL);
  EXPECT_EQ(n.apply(signal_fault(Action::Target::kRank, 1, SIGTERM), 0).outcome,
            "rank 1's worker (pid " + std::to_string(r1) + ") was gone");
}

TEST(Nemesis, AgentsGoThroughTheExecutor) {
  pid_t agent = sleeper();
  std::vector<std::string> started;
  Nemesis n({[&](const std::string& node) { return node == "n0" ? agent : 0; },
             [&](const std::string& node) {
               started.push_back(node);
               return std::string();
             }});
  FaultRecord fr = n.apply(signal_fault(Action::Target::kAgent, -1, SIGTERM), 0);
  EXPECT_EQ(fr.what, "SIGTERM to agent n0");
  EXPECT_EQ(fr.outcome, "");
  EXPECT_EQ(wait_signal(agent), SIGTERM);
  auto to_n1 = signal_fault(Action::Target::kAgent, -1, SIGTERM);
  to_n1.action.node = "n1";
  EXPECT_EQ(n.apply(to_n1, 0).outcome, "agent n1 was not running");

  ResolvedFault start_n1;
  start_n1.action.kind = Action::Kind::kStartNode;
  start_n1.action.node = "n1";
  EXPECT_EQ(n.apply(start_n1, 0).what, "start node n1");
  EXPECT_EQ(started, std::vector<std::string>{"n1"});
}

}  // namespace
}  // namespace launchcheck
