// The store against hostile or careless clients (issue 12): deep nesting,
// arithmetic on wire numbers, quotas, a full descriptor table. Each test
// reproduces a defect that crashed, corrupted or pinned the store host.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstring>

#include "rendezvous/c10d/frame.h"
#include "rendezvous/c10d/store_test_fixture.h"

namespace refrun {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

void send_all(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    ASSERT_GT(n, 0) << strerror(errno);
    sent += static_cast<size_t>(n);
  }
}

json join_request(long long nproc, long long last_call_ms, long long join_timeout_ms) {
  return {{"op", "join"},        {"run_id", "job"},         {"node", "n"},
          {"nproc", nproc},      {"restart_count", 0},      {"min", 1},
          {"max", 2},            {"last_call_ms", last_call_ms},
          {"join_timeout_ms", join_timeout_ms}};
}

}  // namespace

TEST_F(StoreTest, DeeplyNestedIdGetsOneErrorAndTheStoreLivesOn) {
  // The crash: 100,000 levels (~200 KB) overflowed the store's stack.
  server.reset();
  start(15000ms, kC10dMaxFrame);
  auto good = client();
  int bad = raw_connect();
  send_all(bad, raw_frame("{\"op\":\"ping\",\"id\":" + std::string(100000, '[') +
                          std::string(100000, ']') + "}"));
  std::string got = read_until_closed(bad);
  close(bad);
  EXPECT_NE(got.find("deeper than 16 levels"), std::string::npos) << got;
  EXPECT_EQ(call(*good, {{"op", "ping"}})["ok"], true);
}

TEST_F(StoreTest, StructuredIdsAreRefusedNotCopied) {
  auto c = client();
  int raw = raw_connect();
  send_all(raw, encode_frame({{"op", "ping"}, {"id", {{"a", {1, 2}}}}}));
  send_all(raw, encode_frame({{"op", "ping"}, {"id", 7}}));
  // Two replies: an error with a null id, then the ping's.
  std::string got;
  ASSERT_TRUE(run_until(loop, [&] {
    char b[512];
    ssize_t n = recv(raw, b, sizeof b, MSG_DONTWAIT);
    if (n > 0) got.append(b, static_cast<size_t>(n));
    return got.find("\"id\":7") != std::string::npos;
  }));
  close(raw);
  EXPECT_NE(got.find("'id' must be"), std::string::npos) << got;
}

TEST_F(StoreTest, AddRefusesToOverflow) {
  auto c = client();
  EXPECT_EQ(call(*c, {{"op", "add"}, {"key", "n"}, {"delta", LLONG_MAX}})["value"], LLONG_MAX);
  std::string err;
  call(*c, {{"op", "add"}, {"key", "n"}, {"delta", 1}}, &err);
  EXPECT_NE(err.find("overflow"), std::string::npos) << err;
  err.clear();
  call(*c, {{"op", "add"}, {"key", "m"}, {"delta", 18446744073709551615ULL}}, &err);
  EXPECT_NE(err.find("'delta' must be an integer"), std::string::npos) << err;
  EXPECT_EQ(call(*c, {{"op", "get"}, {"key", "n"}})["value"], std::to_string(LLONG_MAX));
}

TEST_F(StoreTest, JoinNumbersAreRangeChecked) {
  auto c = client();
  std::string err;
  // Two such nodes made world_size -2.
  call(*c, join_request(2147483647, 1000, 1000), &err);
  EXPECT_NE(err.find("'nproc' must be an integer from 1 to 4096"), std::string::npos) << err;
  err.clear();
  // milliseconds(LLONG_MAX) overflowed steady_clock: the round completed at once.
  call(*c, join_request(1, LLONG_MAX, 1000), &err);
  EXPECT_NE(err.find("'last_call_ms'"), std::string::npos) << err;
  err.clear();
  call(*c, join_request(1, 1000, LLONG_MAX), &err);
  EXPECT_NE(err.find("'join_timeout_ms'"), std::string::npos) << err;
  err.clear();
  json fractional = join_request(1, 1000, 1000);
  fractional["nproc"] = 1.5;
  call(*c, fractional, &err);
  EXPECT_NE(err.find("'nproc'"), std::string::npos) << err;
  EXPECT_EQ(call(*c, {{"op", "ping"}})["ok"], true);
}

TEST_F(StoreTest, JoinsCannotPileUpRunIdsAndRunsAreForgottenWithTheirAgents) {
  auto c = client();
  for (int i = 0; i < 17; ++i) {
    json j = join_request(1, 600000, 600000);
    j["run_id"] = "r" + std::to_string(i);
    j["min"] = 2;
    std::string err;
    bool answered = false;
    c->request(j, 0ms, [&](const json&) { answered = true; }, [&](const std::string& e) {
      err = e;
      answered = true;
    });
    if (i < 16) continue;  // waiting for a second agent: no answer
    ASSERT_TRUE(run_until(loop, [&] { return answered; }));
    EXPECT_NE(err.find("speaks for 16 nodes"), std::string::npos) << err;
  }
  std::string err;
  json long_id = join_request(1, 1000, 1000);
  long_id["run_id"] = std::string(300, 'r');
  call(*c, long_id, &err);
  EXPECT_NE(err.find("1 to 256 characters"), std::string::npos) << err;
  c.reset();
  ASSERT_TRUE(run_until(loop, [&] { return server->clients() == 0; }));
  // r0 was forgotten: a job with another --nnodes may use the id now.
  auto next = client();
  json j = join_request(1, 1000, 1000);
  j["run_id"] = "r0";
  j["max"] = 1;
  EXPECT_EQ(call(*next, j)["world_size"], 1);
}

TEST_F(StoreTest, ConnectionQuotaRefusesAndADisconnectFreesItsKeys) {
  // The issue: 200 x 1 MB sets grew the store to 329 MB, kept after the
  // client left. Default quotas: 4 MiB per connection.
  server.reset();
  start(15000ms, kC10dMaxFrame);
  auto hog = client();
  std::string mb(900 * 1024, 'x');
  int refused = 0;
  for (int i = 0; i < 8; ++i) {
    std::string err;
    call(*hog, {{"op", "set"}, {"key", "k" + std::to_string(i)}, {"value", mb}}, &err);
    if (!err.empty()) {
      EXPECT_NE(err.find("quota exceeded"), std::string::npos) << err;
      ++refused;
    }
  }
  EXPECT_EQ(refused, 4);
  EXPECT_LE(server->stored_bytes(), 4u << 20);
  // Another client is not blocked by the hog's quota.
  auto other = client();
  call(*other, {{"op", "set"}, {"key", "mine"}, {"value", "v"}});
  hog.reset();
  ASSERT_TRUE(run_until(loop, [&] { return server->clients() == 1; }));
  EXPECT_LT(server->stored_bytes(), 1024u);  // only "mine" is left
  EXPECT_EQ(call(*other, {{"op", "get"}, {"key", "k0"}})["found"], false);
  EXPECT_EQ(call(*other, {{"op", "get"}, {"key", "mine"}})["value"], "v");
}

TEST_F(StoreTest, PendingWaitsAreBoundedPerConnection) {
  auto c = client();
  int answered = 0, refused = 0;
  for (int i = 0; i < 70; ++i)
    c->request(
        {{"op", "wait"}, {"keys", {"never" + std::to_string(i)}}}, 0ms,
        [&](const json&) { ++answered; },
        [&](const std::string& e) {
          EXPECT_NE(e.find("pending waits"), std::string::npos) << e;
          ++refused;
        });
  ASSERT_TRUE(run_until(loop, [&] { return refused == 6; }));
  EXPECT_EQ(answered, 0);
  EXPECT_GT(server->stored_bytes(), 0u);
  c.reset();
  ASSERT_TRUE(run_until(loop, [&] { return server->clients() == 0; }));
  EXPECT_EQ(server->stored_bytes(), 0u);
}

TEST_F(StoreTest, AtTheConnectionCapTheIdlestNonMemberMakesRoom) {
  server.reset();
  start(15000ms, 4096, {}, 4);
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(raw_connect());
  ASSERT_TRUE(run_until(loop, [&] { return server->clients() == 4; }));
  auto agent = client();
  EXPECT_EQ(call(*agent, {{"op", "ping"}})["ok"], true);
  EXPECT_EQ(server->clients(), 4u);
  std::string first = read_until_closed(idle[0]);  // the oldest was shed, with a reason
  EXPECT_NE(first.find("maximum number of connections"), std::string::npos) << first;
  for (int fd : idle) close(fd);
}

namespace {

int open_fds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d)) ++n;
  closedir(d);
  return n - 3;  // ".", ".." and the DIR's own
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// A child process that holds `n` connections to the store, then waits.
// It dies with the test: a test aborted by a sanitizer once left it holding
// ctest's output pipe, and ctest waited 1000 s.
pid_t hold_connections(int port, int n, int ready_fd) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  for (int i = 0; i < n; ++i) {
    std::string err;
    int fd = start_connect("127.0.0.1", port, err);
    if (fd < 0) break;
  }
  (void)!write(ready_fd, "r", 1);
  pause();
  _exit(0);
}

// A child process that asks the store for one ping with plain blocking
// sockets and writes "ok" or why not to `out_fd`.
pid_t ping_from_child(int port, int out_fd) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  std::string err;
  int fd = start_connect("127.0.0.1", port, err);
  int flags = fd >= 0 ? fcntl(fd, F_GETFL) : 0;
  if (fd >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  pollfd p{fd, POLLOUT, 0};
  if (fd < 0 || poll(&p, 1, 5000) != 1) _exit(((void)!write(out_fd, "no connect", 10), 1));
  std::string req = encode_frame({{"op", "ping"}, {"id", 1}});
  (void)!send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  char buf[256];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  std::string got = n > 4 ? std::string(buf + 4, static_cast<size_t>(n - 4)) : "";
  bool ok = got.find("\"ok\":true") != std::string::npos;
  (void)!write(out_fd, ok ? "ok" : "no reply", ok ? 2 : 8);
  _exit(0);
}

}  // namespace

TEST_F(StoreTest, FullDescriptorTableNeitherSpinsNorStopsServingNewAgents) {
  // The issue: with the fd table full, accept4 failed with EMFILE forever at
  // 100% of a core and new agents were never served.
  // In the sanitizer build this test alone runs with UBSan's vptr check
  // suppressed: that check needs a free descriptor pair and reports valid
  // objects while the table is full (cmake/sanitizers/full_fd_table.ubsan.supp).
  int ready[2], result[2];
  ASSERT_EQ(pipe2(ready, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(result, O_CLOEXEC | O_NONBLOCK), 0);
  pid_t hog = hold_connections(server->port(), 300, ready[1]);
  char r;
  ASSERT_EQ(read(ready[0], &r, 1), 1);
  rlimit old{};
  getrlimit(RLIMIT_NOFILE, &old);
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(open_fds() + 40);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);

  // First the store works through the hog's 300 pending connections (accept
  // while it can, then make room): real work, slow under the sanitizers
  // (CI measured 0.302 s once). The spin the issue saw is what follows,
  // measured over a whole second once that backlog is handled.
  run_until(loop, [] { return false; }, 300ms);
  double cpu0 = cpu_seconds();
  run_until(loop, [] { return false; }, 1000ms);
  double busy = cpu_seconds() - cpu0;

  pid_t agent = ping_from_child(server->port(), result[1]);
  std::string answer;
  run_until(loop, [&] {
    char b[32];
    ssize_t n = read(result[0], b, sizeof b);
    if (n > 0) answer.assign(b, static_cast<size_t>(n));
    return !answer.empty();
  }, 10000ms);
  setrlimit(RLIMIT_NOFILE, &old);
  kill(hog, SIGKILL);
  kill(agent, SIGKILL);
  waitpid(hog, nullptr, 0);
  waitpid(agent, nullptr, 0);
  for (int fd : {ready[0], ready[1], result[0], result[1]}) close(fd);

  EXPECT_LT(busy, 0.3) << "the store spun for a second with a full descriptor table";
  EXPECT_EQ(answer, "ok");
}

}  // namespace refrun
