#include "rendezvous/c10d/store_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/free_port.h"
#include "rendezvous/c10d/socket.h"
#include "rendezvous/c10d/store_client.h"
#include "rendezvous/c10d/store_test_fixture.h"
#include "rendezvous/c10d/test_util.h"

namespace refrun {

using nlohmann::json;
using namespace std::chrono_literals;


TEST_F(StoreTest, SetGetCasAdd) {
  auto c = client();
  EXPECT_EQ(call(*c, {{"op", "get"}, {"key", "k"}})["found"], false);
  call(*c, {{"op", "set"}, {"key", "k"}, {"value", "v1"}});
  json r = call(*c, {{"op", "get"}, {"key", "k"}});
  EXPECT_EQ(r["found"], true);
  EXPECT_EQ(r["value"], "v1");

  r = call(*c, {{"op", "cas"}, {"key", "k"}, {"expected", "nope"}, {"desired", "v2"}});
  EXPECT_EQ(r["swapped"], false);
  EXPECT_EQ(r["value"], "v1");
  r = call(*c, {{"op", "cas"}, {"key", "k"}, {"expected", "v1"}, {"desired", "v2"}});
  EXPECT_EQ(r["swapped"], true);
  EXPECT_EQ(r["value"], "v2");
  r = call(*c, {{"op", "cas"}, {"key", "new"}, {"expected", nullptr}, {"desired", "x"}});
  EXPECT_EQ(r["swapped"], true);

  EXPECT_EQ(call(*c, {{"op", "add"}, {"key", "n"}, {"delta", 5}})["value"], 5);
  EXPECT_EQ(call(*c, {{"op", "add"}, {"key", "n"}, {"delta", -2}})["value"], 3);
  std::string err;
  call(*c, {{"op", "add"}, {"key", "k"}, {"delta", 1}}, &err);
  EXPECT_NE(err.find("integer"), std::string::npos) << err;
}

TEST_F(StoreTest, BadRequestsGetErrorRepliesAndTheConnectionStays) {
  auto c = client();
  std::string err;
  call(*c, {{"op", "frobnicate"}}, &err);
  EXPECT_NE(err.find("unknown op"), std::string::npos) << err;
  err.clear();
  call(*c, {{"op", "set"}, {"key", 3}}, &err);
  EXPECT_NE(err.find("bad request"), std::string::npos) << err;
  EXPECT_EQ(call(*c, {{"op", "ping"}})["ok"], true);
}

TEST_F(StoreTest, WaitIsAnsweredWhenAnotherClientSetsTheKey) {
  auto waiter = client();
  auto setter = client();
  bool woke = false;
  json values;
  waiter->request(
      {{"op", "wait"}, {"keys", {"a", "b"}}}, 0ms,
      [&](const json& r) {
        values = r["values"];
        woke = true;
      },
      [](const std::string& e) { FAIL() << e; });
  call(*setter, {{"op", "set"}, {"key", "a"}, {"value", "1"}});
  EXPECT_FALSE(woke);  // b is still missing
  call(*setter, {{"op", "set"}, {"key", "b"}, {"value", "2"}});
  ASSERT_TRUE(run_until(loop, [&] { return woke; }));
  EXPECT_EQ(values["a"], "1");
  EXPECT_EQ(values["b"], "2");
}

TEST_F(StoreTest, GarbageAndOversizedFramesCloseOnlyThatConnection) {
  auto good = client();
  call(*good, {{"op", "set"}, {"key", "k"}, {"value", "v"}});

  int garbage = raw_connect();
  std::string junk = "GET / HTTP/1.1\r\n\r\n";
  ASSERT_EQ(send(garbage, junk.data(), junk.size(), MSG_NOSIGNAL), (ssize_t)junk.size());
  int huge = raw_connect();
  const char header[4] = {0x7f, 0, 0, 0};  // 2 GiB announced, limit is 4 KiB
  ASSERT_EQ(send(huge, header, 4, MSG_NOSIGNAL), 4);

  // Both bad peers see their connection closed by the store...
  for (int fd : {garbage, huge}) {
    bool closed = false;
    loop.watch_fd(fd, [&](uint32_t) {
      char b[64];
      if (recv(fd, b, sizeof b, MSG_DONTWAIT) <= 0) closed = true;
    });
    EXPECT_TRUE(run_until(loop, [&] { return closed; }));
    loop.unwatch_fd(fd);
    close(fd);
  }
  // ...while the good client carries on.
  EXPECT_EQ(call(*good, {{"op", "get"}, {"key", "k"}})["value"], "v");
}

TEST_F(StoreTest, SilentClientIsExpelledAfterTheKeepAliveWindow) {
  server.reset();
  start(300ms);
  auto live = client(50ms);  // pings every 50 ms: stays
  int silent = raw_connect();
  bool closed = false;
  auto t0 = common::EventLoop::Clock::now();
  std::string last;
  loop.watch_fd(silent, [&](uint32_t) {
    char b[256];
    ssize_t n = recv(silent, b, sizeof b, MSG_DONTWAIT);
    if (n > 0) last.append(b, static_cast<size_t>(n));
    if (n == 0) closed = true;
  });
  ASSERT_TRUE(run_until(loop, [&] { return closed; }));
  loop.unwatch_fd(silent);
  close(silent);
  EXPECT_GE(common::EventLoop::Clock::now() - t0, 300ms);
  EXPECT_NE(last.find("expelled"), std::string::npos);
  EXPECT_TRUE(live->connected());
  EXPECT_EQ(call(*live, {{"op", "ping"}})["ok"], true);
}

TEST_F(StoreTest, ClientNoticesAStoppedStore) {
  // A store that accepts but never answers, like a SIGSTOPped host.
  std::string err;
  bool in_use = false;
  int fd = listen_c10d("127.0.0.1", 0, err, in_use);
  ASSERT_GE(fd, 0);
  C10dClientOptions o;
  o.host = "127.0.0.1";
  o.port = common::bound_port(fd);
  o.keep_alive_interval = 50ms;
  o.keep_alive_window = 150ms;
  C10dStoreClient c(loop, o);
  bool connected = false;
  std::string lost;
  c.set_on_lost([&](const std::string& why) { lost = why; });
  c.connect([&] { connected = true; }, [](const std::string& e) { FAIL() << e; });
  ASSERT_TRUE(run_until(loop, [&] { return !lost.empty(); }));
  EXPECT_TRUE(connected);
  EXPECT_NE(lost.find("stopped answering"), std::string::npos) << lost;
  close(fd);
}

TEST_F(StoreTest, ConnectRetriesUntilTheStoreAppearsThenGivesUpAtTimeout) {
  int port = common::pick_free_port("127.0.0.1");
  C10dClientOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.connect_timeout = 300ms;
  C10dStoreClient c(loop, o);
  std::string failed;
  c.connect([] { FAIL() << "connected to nothing"; }, [&](const std::string& e) { failed = e; });
  ASSERT_TRUE(run_until(loop, [&] { return !failed.empty(); }));
  EXPECT_NE(failed.find("could not reach"), std::string::npos) << failed;
}

TEST_F(StoreTest, PeerThatNeverReadsIsHungUpOn) {
  server.reset();
  start(600000ms);  // so a keep-alive expulsion cannot be what closes it
  auto good = client();
  call(*good, {{"op", "set"}, {"key", "big"}, {"value", std::string(3000, 'x')}});
  // 5000 requests for a 3 KB value, none of the answers read: far beyond
  // the socket buffers and the 16-frame (64 KiB here) queue limit.
  int lazy = raw_connect();
  int so = 0;
  socklen_t len = sizeof so;
  ASSERT_TRUE(run_until(loop, [&] {
    getsockopt(lazy, SOL_SOCKET, SO_ERROR, &so, &len);
    return true;
  }));
  std::string reqs;
  for (int i = 0; i < 5000; ++i) reqs += encode_frame({{"op", "get"}, {"key", "big"}, {"id", i}});
  size_t sent = 0;
  ASSERT_TRUE(run_until(loop, [&] {
    ssize_t n = send(lazy, reqs.data() + sent, reqs.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) sent += static_cast<size_t>(n);
    return sent == reqs.size() || (n < 0 && errno != EAGAIN);
  }));
  // Only now read: whatever got through, then the store's hang-up.
  bool closed = false;
  ASSERT_TRUE(run_until(loop, [&] {
    char b[65536];
    ssize_t n;
    while ((n = recv(lazy, b, sizeof b, MSG_DONTWAIT)) > 0) {
    }
    closed = n == 0 || (n < 0 && errno != EAGAIN);
    return closed;
  }));
  close(lazy);
  EXPECT_EQ(call(*good, {{"op", "ping"}})["ok"], true);
}

}  // namespace refrun
