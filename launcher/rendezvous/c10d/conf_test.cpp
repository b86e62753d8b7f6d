#include "rendezvous/c10d/conf.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace refrun {

using namespace std::chrono_literals;

TEST(C10dConf, UpstreamDefaults) {
  C10dConf c = parse_c10d_conf({});
  EXPECT_EQ(c.join_timeout, 600s);
  EXPECT_EQ(c.last_call_timeout, 30s);
  EXPECT_EQ(c.close_timeout, 30s);
  EXPECT_EQ(c.read_timeout, 60s);
  EXPECT_EQ(c.timeout, 60s);  // follows read_timeout (upstream's TCPStore connect)
  EXPECT_EQ(c.keep_alive_window(), 15s);
  EXPECT_FALSE(c.is_host.has_value());
}

TEST(C10dConf, ValuesAndFractions) {
  C10dConf c = parse_c10d_conf({{"join_timeout", "5"},
                                {"last_call_timeout", "0.25"},
                                {"keep_alive_interval", "0.1"},
                                {"keep_alive_max_attempt", "4"},
                                {"is_host", "false"},
                                {"some_other_backend_key", "x"}});
  EXPECT_EQ(c.join_timeout, 5s);
  EXPECT_EQ(c.timeout, 60s);
  EXPECT_EQ(c.last_call_timeout, 250ms);
  EXPECT_EQ(c.keep_alive_window(), 400ms);
  EXPECT_EQ(c.is_host, false);
  EXPECT_EQ(parse_c10d_conf({{"join_timeout", "5"}, {"timeout", "2"}}).timeout, 2s);
  EXPECT_EQ(parse_c10d_conf({{"read_timeout", "3"}}).timeout, 3s);
}

TEST(C10dConf, BadValuesNameKeyAndValue) {
  for (auto [k, v] :
       std::vector<std::pair<std::string, std::string>>{{"join_timeout", "0"},
                                                        {"join_timeout", "-3"},
                                                        {"read_timeout", "5s"},
                                                        {"last_call_timeout", ""},
                                                        {"keep_alive_max_attempt", "1.5"},
                                                        {"is_host", "maybe"}}) {
    try {
      parse_c10d_conf({{k, v}});
      ADD_FAILURE() << k << "=" << v << " accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(k + "=" + v), std::string::npos) << e.what();
    }
  }
}

}  // namespace refrun
