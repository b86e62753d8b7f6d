#include "error_record.h"

#include <gtest/gtest.h>

namespace refrun {

TEST(ErrorRecord, ObjectMessage) {
  ErrorFile f = parse_error_record(
      R"({"message": {"message": "RuntimeError: boom", "extraInfo": {"py_callstack": "Traceback\nRuntimeError: boom", "timestamp": "1700000000"}}})");
  ASSERT_EQ(f.status, ErrorFile::Status::kRecord);
  EXPECT_EQ(f.record.message, "RuntimeError: boom");
  EXPECT_EQ(f.record.traceback, "Traceback\nRuntimeError: boom");
  EXPECT_EQ(f.record.timestamp, 1700000000.0);
}

TEST(ErrorRecord, ObjectMessageWithoutCallstackShowsTheMessage) {
  ErrorFile f = parse_error_record(R"({"message": {"message": "oops", "extraInfo": {"timestamp": 7}}})");
  ASSERT_EQ(f.status, ErrorFile::Status::kRecord);
  EXPECT_EQ(f.record.traceback, "oops");
  EXPECT_EQ(f.record.timestamp, 7.0);
}

TEST(ErrorRecord, StringMessageWithTopLevelTimestamp) {
  ErrorFile f = parse_error_record(R"({"message": "str-message-0", "timestamp": "1700000000"})");
  ASSERT_EQ(f.status, ErrorFile::Status::kRecord);
  EXPECT_EQ(f.record.message, "str-message-0");
  EXPECT_EQ(f.record.traceback, "str-message-0");
  EXPECT_EQ(f.record.timestamp, 1700000000.0);
  // Without one: 0 (upstream's data.get("timestamp", 0)).
  EXPECT_EQ(parse_error_record(R"({"message": "m"})").record.timestamp, 0.0);
}

TEST(ErrorRecord, KeepsTheFileAndItsKeyOrder) {
  std::string text = R"({"z": 1, "message": "m", "a": 2})";
  ErrorFile f = parse_error_record(text);
  EXPECT_EQ(f.record.text, text);
  EXPECT_EQ(f.record.data.begin().key(), "z");
}

// What upstream's agent dies on (JSONDecodeError, KeyError, ValueError).
TEST(ErrorRecord, UnreadableRecordsSayWhy) {
  for (const char* bad :
       {"not json {", "[1]", R"({"nomessage": 1})", R"({"message": 5})",
        R"({"message": {"message": "m"}})", R"({"message": {"message": "m", "extraInfo": {}}})",
        R"({"message": {"message": "m", "extraInfo": {"timestamp": "abc"}}})",
        R"({"message": "m", "timestamp": "abc"})", R"({"message": "m", "timestamp": null})"}) {
    ErrorFile f = parse_error_record(bad);
    EXPECT_EQ(f.status, ErrorFile::Status::kUnreadable) << bad;
    EXPECT_FALSE(f.problem.empty()) << bad;
    EXPECT_EQ(f.problem.find('\n'), std::string::npos) << bad;
  }
}

TEST(ErrorRecord, MissingFile) {
  EXPECT_EQ(read_error_file("/nonexistent/error.json").status, ErrorFile::Status::kMissing);
}

}  // namespace refrun
