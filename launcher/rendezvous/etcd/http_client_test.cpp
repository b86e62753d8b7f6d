// The HTTP client against a scripted server on the same loop: keep-alive
// reuse, chunked bodies, and every way a server can misbehave (garbage,
// huge answers, trickling bytes, hanging up) ending in one clear error.
#include "rendezvous/etcd/http_client.h"

#include <gtest/gtest.h>

#include "common/free_port.h"
#include "rendezvous/c10d/test_util.h"
#include "rendezvous/etcd/task.h"
#include "rendezvous/etcd/test_servers.h"

namespace refrun::etcd {
namespace {

using namespace std::chrono_literals;
using testing::FakeHttpServer;
using Kind = HttpFailure::Kind;

struct Outcome {
  bool done = false;
  std::optional<HttpResponse> response;
  std::optional<HttpError> error;
};

Task<void> one_request(HttpClient& client, HttpEndpoint ep, HttpRequest req,
                       common::EventLoop::Clock::duration timeout, Outcome& out) {
  try {
    out.response = co_await client.request(ep, req, timeout);
  } catch (const HttpError& e) {
    out.error = e;
  }
  out.done = true;
}

struct HttpClientTest : ::testing::Test {
  common::EventLoop loop;
  HttpClient client{loop, HttpLimits{1024, 64 * 1024}};

  Outcome get(int port, common::EventLoop::Clock::duration timeout = 2s) {
    Outcome out;
    HttpRequest req{"GET", "/v2/keys/a", "", ""};
    HttpEndpoint ep{"127.0.0.1", port};  // named: see task.h on GCC 12
    RootTask t(loop, one_request(client, ep, req, timeout, out),
               [](std::exception_ptr) {});
    EXPECT_TRUE(run_until(loop, [&] { return out.done; }));
    return out;
  }
};

TEST_F(HttpClientTest, ReusesAKeptAliveConnection) {
  FakeHttpServer server(loop, [](const std::string& line, const std::string&) {
    EXPECT_EQ(line, "GET /v2/keys/a");
    return FakeHttpServer::Reply{FakeHttpServer::answer(200, R"({"action":"get"})")};
  });
  for (int i = 0; i < 3; ++i) {
    Outcome o = get(server.port());
    ASSERT_TRUE(o.response) << (o.error ? o.error->what() : "");
    EXPECT_EQ(o.response->status, 200);
    EXPECT_EQ(o.response->header("x-etcd-index"), "7");
    EXPECT_EQ(o.response->body, "{\"action\":\"get\"}\n");
  }
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client.local_address(), "127.0.0.1");
}

TEST_F(HttpClientTest, ReadsChunkedAndCloseDelimitedBodies) {
  FakeHttpServer chunked(loop, [](const std::string&, const std::string&) {
    return FakeHttpServer::Reply{
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n"};
  });
  Outcome o = get(chunked.port());
  ASSERT_TRUE(o.response);
  EXPECT_EQ(o.response->body, "{\"a\":1}");
  FakeHttpServer closing(loop, [](const std::string&, const std::string&) {
    return FakeHttpServer::Reply{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello", 0, true};
  });
  o = get(closing.port());
  ASSERT_TRUE(o.response) << o.error->what();
  EXPECT_EQ(o.response->body, "hello");
}

TEST_F(HttpClientTest, RetriesOnceWhenAParkedConnectionWasClosed) {
  FakeHttpServer server(loop, [](const std::string&, const std::string&) {
    // Answers, then hangs up as soon as the answer is out.
    return FakeHttpServer::Reply{FakeHttpServer::answer(200, "{}"), 0, true};
  });
  ASSERT_TRUE(get(server.port()).response);
  Outcome o = get(server.port());
  ASSERT_TRUE(o.response) << o.error->what();
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(HttpClientTest, RefusedConnectionIsAConnectError) {
  int port = common::pick_free_port("127.0.0.1");
  Outcome o = get(port);
  ASSERT_TRUE(o.error);
  EXPECT_EQ(o.error->kind(), Kind::kConnect);
  EXPECT_TRUE(o.error->not_sent());
  EXPECT_EQ(std::string(o.error->what()),
            "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST_F(HttpClientTest, HostileServersEndInOneLine) {
  struct Case {
    FakeHttpServer::Reply reply;
    Kind kind;
    std::string says;
  };
  std::string huge_header = "HTTP/1.1 200 OK\r\nX-Junk: " + std::string(4000, 'a') + "\r\n\r\n";
  std::vector<Case> cases = {
      {{"\x16\x03\x01 not http at all\r\n\r\n"}, Kind::kProtocol, "malformed HTTP answer"},
      {{"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n"}, Kind::kTooLarge, "more than the limit"},
      {{huge_header}, Kind::kTooLarge, "more than the limit"},
      {{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, true}, Kind::kClosed,
       "closed the connection before answering GET /v2/keys/a"},
      {{"", 0, true}, Kind::kClosed, "closed the connection"},
      {{"", 0, false, true}, Kind::kTimeout, "sent no complete answer to GET /v2/keys/a within 0.3 s"},
      // Slow-loris: a byte every 20 ms never finishes within the deadline.
      {{FakeHttpServer::answer(200, std::string(500, ' ') + "{}"), 20}, Kind::kTimeout,
       "within 0.3 s"},
  };
  for (auto& c : cases) {
    FakeHttpServer server(loop, [&](const std::string&, const std::string&) { return c.reply; });
    Outcome o = get(server.port(), 300ms);
    ASSERT_TRUE(o.error) << c.says;
    EXPECT_EQ(o.error->kind(), c.kind) << o.error->what();
    std::string msg = o.error->what();
    EXPECT_NE(msg.find(c.says), std::string::npos) << msg;
    EXPECT_NE(msg.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
}

TEST_F(HttpClientTest, CancellingTheAwaitingTaskClosesTheConnection) {
  FakeHttpServer server(loop, [](const std::string&, const std::string&) {
    return FakeHttpServer::Reply{"", 0, false, true};
  });
  Outcome out;
  HttpRequest req{"GET", "/v2/keys/a?wait=true", "", ""};
  HttpEndpoint ep{"127.0.0.1", server.port()};
  auto task = std::make_unique<RootTask>(
      loop, one_request(client, ep, req, 60s, out),
      [](std::exception_ptr) {});
  ASSERT_TRUE(run_until(loop, [&] { return server.requests() == 1; }));
  task.reset();  // the watch is abandoned, as a torchrun watch that times out
  EXPECT_FALSE(out.done);
  EXPECT_EQ(server.open_connections(), 1u);
  EXPECT_TRUE(run_until(loop, [&] { return server.open_connections() == 0; }, 1000ms));
}

}  // namespace
}  // namespace refrun::etcd
