#include "store_load.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <thread>

#include "store_wire.h"

namespace launchcheck {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A stand-in for refrun's store, on a thread: answers pings, holds joins
// until `world` nodes (the participants, no host here) are waiting, tells
// the others when a member hangs up. `hostile` replaces the answer to the
// first request with raw bytes.
class FakeStore {
 public:
  explicit FakeStore(int world, std::string hostile = "")
      : world_(world), hostile_(std::move(hostile)) {
    listen_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(listen_, 1024);
    socklen_t len = sizeof a;
    getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeStore() {
    stop_ = true;
    thread_.join();
    for (auto& [fd, c] : conns_) close(fd);
    close(listen_);
  }
  int port() const { return port_; }
  std::atomic<int> masters{0};

 private:
  struct Conn {
    StoreFrameReader reader;
    std::string node;
  };
  int world_, listen_, port_ = 0, round_ = 0;
  std::string hostile_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::map<int, Conn> conns_;
  std::vector<int> waiting_;

  void put(int fd, const json& m) {
    std::string f = encode_store_frame(m);
    (void)!::send(fd, f.data(), f.size(), MSG_NOSIGNAL);
  }
  void serve() {
    while (!stop_) {
      std::vector<pollfd> fds{{listen_, POLLIN, 0}};
      for (auto& [fd, c] : conns_) fds.push_back({fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 10) <= 0) continue;
      if (fds[0].revents) conns_[accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC)];
      for (size_t k = 1; k < fds.size(); ++k)
        if (fds[k].revents) on_readable(fds[k].fd);
    }
  }
  void on_readable(int fd) {
    char buf[4096];
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return hang_up(fd);
    Conn& c = conns_[fd];
    c.reader.feed(buf, static_cast<size_t>(r));
    json m;
    while (c.reader.next(m) == StoreFrameReader::Status::kMessage) on_request(fd, m);
  }
  void on_request(int fd, const json& m) {
    if (!hostile_.empty()) {
      (void)!::send(fd, hostile_.data(), hostile_.size(), MSG_NOSIGNAL);
      return;
    }
    std::string op = m["op"];
    if (op == "set") ++masters;
    if (op != "join") return put(fd, {{"id", m["id"]}, {"ok", true}});
    conns_[fd].node = m["node"];
    waiting_.push_back(fd);
    if (static_cast<int>(waiting_.size()) < world_) return;
    for (size_t r = 0; r < waiting_.size(); ++r)
      put(waiting_[r], {{"id", "join"},
                        {"ok", true},
                        {"round", round_},
                        {"group_rank", r},
                        {"group_world_size", waiting_.size()}});
    waiting_.clear();
    ++round_;
  }
  void hang_up(int fd) {
    close(fd);
    conns_.erase(fd);
    --world_;
    for (auto& [other, c] : conns_)
      put(other, {{"push", "membership_change"}, {"round", round_ - 1}});
  }
};

StoreLoadOptions options(int port, int n) {
  StoreLoadOptions o;
  o.port = port;
  o.run_id = "test";
  o.participants = n;
  o.min_nodes = 1;
  o.max_nodes = n;
  o.expected_world = n;
  o.max_in_flight = 7;  // fewer than n: the bound must not stall the run
  o.keep_alive_interval = 50ms;
  return o;
}

TEST(StoreLoad, JoinsEveryParticipantIntoOneRound) {
  FakeStore store(20);
  StoreLoad load(options(store.port(), 20));
  ASSERT_EQ(load.join_all(std::chrono::steady_clock::now() + 10s), "");
  EXPECT_EQ(load.connected(), 20);
  EXPECT_EQ(load.joined(), 20);
  const auto& t = load.times();
  EXPECT_GE(t.accepted_ns, t.start_ns);
  EXPECT_GE(t.joined_ns, t.accepted_ns);
  EXPECT_EQ(load.keep_alive(std::chrono::steady_clock::now() + 200ms), "");
  EXPECT_EQ(store.masters, 1);  // node rank 0 published MASTER_ADDR
}

TEST(StoreLoad, SurvivorsRejoinWithoutTheKilled) {
  FakeStore store(20);
  StoreLoad load(options(store.port(), 20));
  ASSERT_EQ(load.join_all(std::chrono::steady_clock::now() + 10s), "");
  load.kill(2);
  ASSERT_EQ(load.reform(std::chrono::steady_clock::now() + 10s), "");
  const auto& t = load.times();
  EXPECT_GE(t.noticed_ns, t.killed_ns);
  EXPECT_GE(t.reformed_ns, t.noticed_ns);
}

TEST(StoreLoad, AWrongRoundSizeIsOneClearError) {
  FakeStore store(3);  // forms rounds of 3, we expect 4
  StoreLoadOptions o = options(store.port(), 3);
  o.expected_world = 4;
  StoreLoad load(o);
  std::string why = load.join_all(std::chrono::steady_clock::now() + 10s);
  EXPECT_NE(why.find("formed a round of 3 nodes, expected 4"), std::string::npos) << why;
}

TEST(StoreLoad, HostileAnswersAreOneLineNeverACrash) {
  std::map<std::string, std::string> cases = {
      {std::string("\xff\xff\xff\xff", 4), "a frame of 4294967295 bytes"},
      {std::string("\0\0\0\0", 4), "an empty frame"},
      {std::string("\0\0\0\3abc", 7), "not JSON"},
      {std::string("\0\0\0\2[]", 6), "not a JSON object"},
      {encode_store_frame({{"id", "probe"}}), "without a boolean 'ok'"},
      {encode_store_frame({{"id", nullptr}, {"ok", false}, {"error", "full"}}),
       "with an error: full"},
      {encode_store_frame({{"id", "nope"}, {"ok", true}}), "never sent"},
      {encode_store_frame({{"push", "expelled"}, {"reason", "r"}}), "expelled by the store: r"},
      {std::string(4, '\0').replace(3, 1, "\x30") + std::string(48, '['), "nested deeper"},
  };
  for (auto& [bytes, expected] : cases) {
    FakeStore store(2, bytes);
    StoreLoad load(options(store.port(), 2));
    std::string why = load.join_all(std::chrono::steady_clock::now() + 10s);
    EXPECT_NE(why.find(expected), std::string::npos) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos);
  }
}

TEST(StoreLoad, AStoreThatIsNotThereIsNamed) {
  int port;
  {
    FakeStore gone(1);
    port = gone.port();
  }
  StoreLoad load(options(port, 3));
  std::string why = load.join_all(std::chrono::steady_clock::now() + 10s);
  EXPECT_NE(why.find("participant sim-"), std::string::npos) << why;
  EXPECT_NE(why.find("refused"), std::string::npos) << why;
}

}  // namespace
}  // namespace launchcheck
