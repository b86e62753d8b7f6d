// The small helpers: clock, random names, environment, free ports, the
// open-file limit.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <regex>
#include <set>
#include <stdexcept>

#include "common/clock.h"
#include "common/environment.h"
#include "common/free_port.h"
#include "common/open_file_limit.h"
#include "common/random.h"

namespace common {

TEST(Clock, MonotonicNanosecondsAndUnixSeconds) {
  int64_t a = now_ns(), b = now_ns();
  EXPECT_LE(a, b);
  EXPECT_GT(a, 0);
  EXPECT_NEAR(unix_seconds(), static_cast<double>(time(nullptr)), 2.0);
}

TEST(Random, HexAndUuidShapesAndNoRepeats) {
  EXPECT_TRUE(std::regex_match(random_hex(12), std::regex("[0-9a-f]{12}")));
  EXPECT_EQ(random_hex(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string u = random_uuid();
    EXPECT_TRUE(std::regex_match(
        u, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Environment, ReadsEnvironAndWritesEnvp) {
  setenv("LC_COMMON_ENV_TEST", "a=b", 1);
  Environment env = current_environment();
  EXPECT_EQ(env.at("LC_COMMON_ENV_TEST"), "a=b");  // only the first '=' splits
  unsetenv("LC_COMMON_ENV_TEST");
  EXPECT_EQ(to_envp({{"B", "2"}, {"A", ""}}), (std::vector<std::string>{"A=", "B=2"}));
}

TEST(FreePort, BindableOnTheAskedAddress) {
  auto bindable = [](int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
  };
  for (const char* addr : {"127.0.0.1", "localhost"}) {
    // Another process on this shared machine may take a port between the
    // pick and the bind: three picks in a row losing that race means a bug.
    bool ok = false;
    for (int attempt = 0; attempt < 3 && !ok; ++attempt) {
      int port = pick_free_port(addr);
      ASSERT_GT(port, 0) << addr;
      ok = bindable(port);
    }
    EXPECT_TRUE(ok) << addr;
  }
}

TEST(FreePort, UnknownHostOrForeignAddressIsOneClearError) {
  try {
    pick_free_port("no-such-host.invalid");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot resolve 'no-such-host.invalid'", 0), 0u)
        << e.what();
  }
  // TEST-NET-1: not an address of this machine.
  EXPECT_THROW(pick_free_port("192.0.2.1"), std::runtime_error);
}

TEST(OpenFileLimit, RaisedToTheHardLimitOnce) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  auto original = raise_open_file_limit();
  rlimit after{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, after.rlim_max);
  if (before.rlim_cur < before.rlim_max) {
    ASSERT_TRUE(original.has_value());
    EXPECT_EQ(original->rlim_cur, before.rlim_cur);
  }
  EXPECT_FALSE(raise_open_file_limit().has_value());  // nothing left to raise
}

}  // namespace common
