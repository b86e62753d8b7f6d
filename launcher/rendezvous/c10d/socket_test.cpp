#include "rendezvous/c10d/socket.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>

#include "common/free_port.h"

namespace refrun {

TEST(C10dEndpoint, Forms) {
  auto e = parse_c10d_endpoint("node0", 29400);
  EXPECT_EQ(e.host, "node0");
  EXPECT_EQ(e.port, 29400);
  e = parse_c10d_endpoint("127.0.0.1:1234", 29400);
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 1234);
  e = parse_c10d_endpoint("[::1]:99", 29400);
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 99);
  e = parse_c10d_endpoint("[fe80::1]", 29400);
  EXPECT_EQ(e.port, 29400);
}

TEST(C10dEndpoint, BadFormsAreOneLineErrors) {
  for (std::string bad : {"", ":80", "h:", "h:x", "h:70000", "::1:80", "[::1", "[::1]x"}) {
    try {
      parse_c10d_endpoint(bad, 29400);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("--rdzv-endpoint '" + bad + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(C10dListen, SecondListenerSeesInUseAndForeignAddressIsNotLocal) {
  std::string err;
  bool in_use = false;
  int fd = listen_c10d("127.0.0.1", 0, err, in_use);
  ASSERT_GE(fd, 0) << err;
  int port = common::bound_port(fd);
  EXPECT_EQ(listen_c10d("127.0.0.1", port, err, in_use), -1);
  EXPECT_TRUE(in_use) << err;
  close(fd);
  // TEST-NET-1 (RFC 5737) is never an address of this machine.
  EXPECT_EQ(listen_c10d("192.0.2.1", 0, err, in_use), -1);
  EXPECT_FALSE(in_use);
  EXPECT_NE(err.find("not an address of this machine"), std::string::npos) << err;
}

}  // namespace refrun
