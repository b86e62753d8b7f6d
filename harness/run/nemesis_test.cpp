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
  Nemesis n({[](const std::string&) { return 0; }, [](const std::string&) { return ""; }, {}});
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
             },
             {}});
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

// Signals and restarts of a service member go to the executor's services;
// without any, the fault says so instead of pretending it happened.
TEST(Nemesis, ServiceMembersGoThroughTheExecutor) {
  std::vector<std::string> asked;
  Nemesis n({[](const std::string&) { return 0; }, [](const std::string&) { return ""; },
             [&](const Action& a) {
               asked.push_back(a.member + (a.kind == Action::Kind::kRestart ? " restart" : " sig"));
               return a.member == "leader" ? std::string("no leader") : std::string();
             }});
  ResolvedFault kill = signal_fault(Action::Target::kService, -1, SIGKILL);
  kill.action.service = "etcd";
  kill.action.member = "1";
  FaultRecord fr = n.apply(kill, 0);
  EXPECT_EQ(fr.what, "SIGKILL to etcd member 1");
  EXPECT_EQ(fr.outcome, "");
  ResolvedFault restart;
  restart.action.kind = Action::Kind::kRestart;
  restart.action.service = "etcd";
  restart.action.member = "leader";
  fr = n.apply(restart, 0);
  EXPECT_EQ(fr.what, "restart etcd member leader");
  EXPECT_EQ(fr.outcome, "no leader");
  EXPECT_EQ(asked, (std::vector<std::string>{"1 sig", "leader restart"}));

  Nemesis bare({[](const std::string&) { return 0; }, [](const std::string&) { return ""; }, {}});
  EXPECT_EQ(bare.apply(kill, 0).outcome, "no services");
}

// Network faults go to the run's placement, whatever it is (a fake here),
// and say why not when the run has none.
class FakePlacement : public Placement {
 public:
  std::vector<std::string> calls;
  std::string answer;
  std::string start() override { return ""; }
  std::vector<PlacedHost> hosts() const override { return {}; }
  void place(const std::string&, common::SpawnOptions&) const override {}
  std::string isolate(const std::string& h) override { return note("isolate " + h); }
  std::string partition(const std::vector<std::vector<std::string>>& g) override {
    return note("partition " + std::to_string(g.size()));
  }
  std::string heal() override { return note("heal"); }
  std::string kill_host(const std::string& h) override { return note("kill_host " + h); }

 private:
  std::string note(const std::string& c) {
    calls.push_back(c);
    return answer;
  }
};

TEST(Nemesis, NetworkFaultsGoToThePlacement) {
  Nemesis::Agents agents{[](const std::string&) { return 0; }, [](const std::string&) { return ""; }, {}};
  ResolvedFault f;
  f.pointer = "/faults/0";
  f.action.kind = Action::Kind::kIsolate;
  f.action.host = "h1";
  EXPECT_EQ(Nemesis(agents).apply(f, 0).outcome, "the run has no hosts");
  FakePlacement hosts;
  Nemesis n(agents, &hosts);
  FaultRecord r = n.apply(f, 0);
  EXPECT_EQ(r.what, "isolate host h1");
  EXPECT_EQ(r.outcome, "");
  f.action.kind = Action::Kind::kPartition;
  f.action.groups = {{"h0"}, {"h1", "h2"}};
  EXPECT_EQ(n.apply(f, 0).what, "partition hosts h0 | h1,h2");
  f.action.kind = Action::Kind::kHeal;
  n.apply(f, 0);
  hosts.answer = "no process of the run was on host h1";
  f.action.kind = Action::Kind::kKillHost;
  r = n.apply(f, 0);
  EXPECT_EQ(r.what, "kill every process on host h1");
  EXPECT_EQ(r.outcome, "no process of the run was on host h1");
  EXPECT_EQ(hosts.calls,
            (std::vector<std::string>{"isolate h1", "partition 2", "heal", "kill_host h1"}));
}

}  // namespace
}  // namespace launchcheck
