#include "common/text.h"

#include <gtest/gtest.h>

namespace common {

TEST(Text, ParseIntIsWholeString) {
  int v = 0;
  EXPECT_TRUE(parse_int("42", v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(parse_int("+7", v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(parse_int("-3", v));
  EXPECT_EQ(v, -3);
  for (const char* bad : {"", "4x", " 4", "x", "99999999999", "1.5"})
    EXPECT_FALSE(parse_int(bad, v)) << bad;
}

TEST(Text, ParseDouble) {
  double d = 0;
  EXPECT_TRUE(parse_double("0.25", d));
  EXPECT_EQ(d, 0.25);
  EXPECT_FALSE(parse_double("1s", d));
  EXPECT_FALSE(parse_double("nan", d));
  EXPECT_FALSE(parse_double("", d));
}

TEST(Text, SplitAndTrim) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), std::vector<std::string>{""});
  EXPECT_EQ(trim("  x y \n"), "x y");
  EXPECT_EQ(trim(" \t"), "");
}

TEST(Text, FormUrlencodeAsPythons) {
  // urllib.parse.urlencode({"value": '{"status": "setup"}'})
  EXPECT_EQ(form_urlencode(R"({"status": "setup"})"), "%7B%22status%22%3A+%22setup%22%7D");
  EXPECT_EQ(form_urlencode("a/b+c=d~e_f.g-h"), "a%2Fb%2Bc%3Dd~e_f.g-h");
  EXPECT_EQ(form_urlencode(std::string("\x00\xff", 2)), "%00%FF");
}

}  // namespace common
