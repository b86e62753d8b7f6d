#include "store_wire.h"

#include <gtest/gtest.h>

namespace launchcheck {
namespace {

using nlohmann::json;

TEST(StoreWire, EncodesBigEndianLengthThenJson) {
  std::string f = encode_store_frame({{"op", "ping"}});
  ASSERT_EQ(f.size(), 4 + std::string(R"({"op":"ping"})").size());
  EXPECT_EQ(f.substr(0, 4), std::string("\0\0\0\x0d", 4));
  EXPECT_EQ(f.substr(4), R"({"op":"ping"})");
}

TEST(StoreWire, ReadsFramesSplitAnywhere) {
  std::string bytes = encode_store_frame({{"a", 1}}) + encode_store_frame({{"b", 2}});
  StoreFrameReader r;
  std::vector<json> got;
  for (char c : bytes) {
    r.feed(&c, 1);
    json m;
    while (r.next(m) == StoreFrameReader::Status::kMessage) got.push_back(m);
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["a"], 1);
  EXPECT_EQ(got[1]["b"], 2);
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(StoreWire, GivesBackTheRoomOfALargeReplyOnceRead) {
  StoreFrameReader r;
  std::string f = encode_store_frame({{"error", std::string(60000, 'x')}});
  r.feed(f.data(), f.size());
  json m;
  ASSERT_EQ(r.next(m), StoreFrameReader::Status::kMessage);
  EXPECT_EQ(r.next(m), StoreFrameReader::Status::kNeedMore);
  EXPECT_LE(r.capacity(), 4096u);
}

TEST(StoreWire, RefusesAnOversizedFrameBeforeBufferingIt) {
  StoreFrameReader r(100);
  r.feed("\0\0\0\x65", 4);  // 101 bytes announced
  json m;
  EXPECT_EQ(r.next(m), StoreFrameReader::Status::kError);
  EXPECT_NE(r.error().find("101 bytes"), std::string::npos);
  EXPECT_EQ(r.next(m), StoreFrameReader::Status::kError);  // stays broken
}

TEST(StoreWire, RefusesWhatIsNotAJsonObject) {
  for (std::string body : std::vector<std::string>{"nope", "[1]", "\"s\"", std::string(40, '{')}) {
    StoreFrameReader r;
    std::string f = std::string(3, '\0') + static_cast<char>(body.size()) + body;
    r.feed(f.data(), f.size());
    json m;
    EXPECT_EQ(r.next(m), StoreFrameReader::Status::kError) << body;
  }
}

}  // namespace
}  // namespace launchcheck
