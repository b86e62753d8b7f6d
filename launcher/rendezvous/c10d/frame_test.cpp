#include "rendezvous/c10d/frame.h"

#include <gtest/gtest.h>

#include "rendezvous/c10d/test_util.h"

namespace refrun {

using Status = FrameDecoder::Status;

TEST(C10dFrame, RoundTripsSeveralFramesFedByteByByte) {
  std::string bytes = encode_frame({{"op", "set"}, {"key", "a"}}) + encode_frame({{"op", "get"}});
  FrameDecoder d;
  nlohmann::json msg;
  std::vector<nlohmann::json> got;
  for (char c : bytes) {
    d.feed(&c, 1);
    while (true) {
      Status s = d.next(msg);
      ASSERT_NE(s, Status::kError) << d.error();
      if (s == Status::kNeedMore) break;
      got.push_back(msg);
    }
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["key"], "a");
  EXPECT_EQ(got[1]["op"], "get");
}

TEST(C10dFrame, LengthIsBigEndian) {
  std::string f = encode_frame({{"k", 1}});
  std::string body = nlohmann::json({{"k", 1}}).dump();
  ASSERT_EQ(f.size(), 4 + body.size());
  EXPECT_EQ(f[0], 0);
  EXPECT_EQ(f[1], 0);
  EXPECT_EQ(f[2], 0);
  EXPECT_EQ(static_cast<size_t>(f[3]), body.size());
}

TEST(C10dFrame, OversizedFrameIsAnErrorBeforeItsBodyArrives) {
  FrameDecoder d(100);
  const char header[4] = {0, 0, 1, 0};  // 256 bytes
  d.feed(header, 4);
  nlohmann::json msg;
  EXPECT_EQ(d.next(msg), Status::kError);
  EXPECT_NE(d.error().find("exceeds"), std::string::npos);
  EXPECT_EQ(d.next(msg), Status::kError);  // stays broken
}

TEST(C10dFrame, GarbageIsAnError) {
  FrameDecoder d;
  std::string junk("\x00\x00\x00\x05hello", 9);
  d.feed(junk.data(), junk.size());
  nlohmann::json msg;
  EXPECT_EQ(d.next(msg), Status::kError);
  EXPECT_NE(d.error().find("JSON"), std::string::npos);
}

TEST(C10dFrame, NonObjectAndEmptyFramesAreErrors) {
  {
    FrameDecoder d;
    std::string f = encode_frame(nlohmann::json::array({1, 2}));
    d.feed(f.data(), f.size());
    nlohmann::json msg;
    EXPECT_EQ(d.next(msg), Status::kError);
  }
  {
    FrameDecoder d;
    const char empty[4] = {0, 0, 0, 0};
    d.feed(empty, 4);
    nlohmann::json msg;
    EXPECT_EQ(d.next(msg), Status::kError);
  }
}

TEST(C10dFrame, PartialHeaderNeedsMore) {
  FrameDecoder d;
  std::string f = encode_frame({{"a", 1}});
  d.feed(f.data(), 3);
  nlohmann::json msg;
  EXPECT_EQ(d.next(msg), Status::kNeedMore);
  d.feed(f.data() + 3, f.size() - 3);
  EXPECT_EQ(d.next(msg), Status::kFrame);
  EXPECT_EQ(msg["a"], 1);
}

TEST(C10dFrame, NestingBeyondTheLimitIsAnErrorAndNothingIsParsed) {
  // The crash: an id nested 100,000 deep overflowed the store's
  // stack when the reply copied it. Here it is refused from the bytes.
  std::string deep =
      "{\"op\":\"ping\",\"id\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  FrameDecoder d;
  std::string f = raw_frame(deep);
  d.feed(f.data(), f.size());
  nlohmann::json msg;
  EXPECT_EQ(d.next(msg), Status::kError);
  EXPECT_NE(d.error().find("deeper than 16"), std::string::npos) << d.error();

  // 16 levels (the object and 15 arrays) are fine; brackets in strings do not count.
  FrameDecoder ok;
  std::string sixteen = "{\"id\":" + std::string(15, '[') + std::string(15, ']') + ",\"s\":\"[[[[\"}";
  f = raw_frame(sixteen);
  ok.feed(f.data(), f.size());
  EXPECT_EQ(ok.next(msg), Status::kFrame) << ok.error();
}

}  // namespace refrun
