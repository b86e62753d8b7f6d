// The store tests' fixture: a store on an ephemeral loopback port, clients
// on the same loop, one-call requests, and raw sockets for bad protocol.
#pragma once

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <cerrno>

#include <memory>
#include <string>

#include "rendezvous/c10d/socket.h"
#include "rendezvous/c10d/store_client.h"
#include "rendezvous/c10d/store_server.h"
#include "rendezvous/c10d/test_util.h"

namespace refrun {

using namespace std::chrono_literals;

struct StoreTest : ::testing::Test {
  using json = nlohmann::json;
  common::EventLoop loop;
  std::unique_ptr<C10dStoreServer> server;

  void SetUp() override { start(std::chrono::milliseconds(15000)); }
  void start(std::chrono::milliseconds window, size_t max_frame = 4096,
             C10dStoreQuotas quotas = {}, size_t max_clients = 1024) {
    std::string err;
    bool in_use = false;
    int fd = listen_c10d("127.0.0.1", 0, err, in_use);
    ASSERT_GE(fd, 0) << err;
    C10dServerOptions opts;
    opts.keep_alive_window = window;
    opts.max_frame = max_frame;
    opts.quotas = quotas;
    opts.max_clients = max_clients;
    server = std::make_unique<C10dStoreServer>(loop, fd, opts);
  }
  std::unique_ptr<C10dStoreClient> client(std::chrono::milliseconds interval = 5000ms) {
    C10dClientOptions o;
    o.host = "127.0.0.1";
    o.port = server->port();
    o.connect_timeout = 5000ms;
    o.keep_alive_interval = interval;
    o.keep_alive_window = interval * 3;
    auto c = std::make_unique<C10dStoreClient>(loop, o);
    bool ok = false;
    c->connect([&] { ok = true; }, [](const std::string& e) { FAIL() << e; });
    EXPECT_TRUE(run_until(loop, [&] { return ok; }));
    return c;
  }
  // Sends one request and runs the loop until its answer.
  json call(C10dStoreClient& c, json req, std::string* error = nullptr) {
    bool got = false;
    json reply;
    c.request(
        req, 5000ms,
        [&](const json& r) {
          reply = r;
          got = true;
        },
        [&](const std::string& e) {
          if (error) *error = e;
          got = true;
        });
    EXPECT_TRUE(run_until(loop, [&] { return got; }));
    return reply;
  }
  // A raw socket, for speaking bad protocol.
  int raw_connect() {
    std::string err;
    int fd = start_connect("127.0.0.1", server->port(), err);
    EXPECT_GE(fd, 0) << err;
    int flags = 0;
    (void)flags;
    return fd;
  }
  // Runs the loop until the store hangs up on `fd`; returns what it sent.
  std::string read_until_closed(int fd) {
    std::string got;
    bool closed = false;
    loop.watch_fd(fd, [&](uint32_t) {
      char b[4096];
      ssize_t n;
      while ((n = recv(fd, b, sizeof b, MSG_DONTWAIT)) > 0) got.append(b, static_cast<size_t>(n));
      if (n == 0 || (n < 0 && errno != EAGAIN)) closed = true;
    });
    EXPECT_TRUE(run_until(loop, [&] { return closed; }));
    loop.unwatch_fd(fd);
    return got;
  }
};


}  // namespace refrun
