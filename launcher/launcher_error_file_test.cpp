#include "launcher_error_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace refrun {

TEST(LauncherErrorFile, ObjectRecordGetsTheExitCodeKeysInOrder) {
  ErrorFile root = parse_error_record(
      R"({"message": {"message": "RuntimeError: boom", "extraInfo": {"py_callstack": "tb", "timestamp": "1700000000"}}})");
  EXPECT_EQ(root_cause_record(root, -11),
            R"({"message": {"message": "RuntimeError: boom", "extraInfo": {"py_callstack": "tb", "timestamp": "1700000000"}, "errorCode": -11}})");
}

TEST(LauncherErrorFile, StringRecordIsCopiedVerbatim) {
  std::string text = "{\"message\":\"str-message-0\",  \"timestamp\": \"1700000000\"}\n";
  EXPECT_EQ(root_cause_record(parse_error_record(text), 1), text);
}

TEST(LauncherErrorFile, NothingToCopyWithoutARecord) {
  EXPECT_EQ(root_cause_record(ErrorFile{}, 3), "");
  EXPECT_EQ(root_cause_record(parse_error_record("not json"), 3), "");
}

TEST(LauncherErrorFile, AgentRecordHasUpstreamsShape) {
  std::string text = agent_error_record("RendezvousConnectionError", "no store \xc3\xa9",
                                        "refrun: error: no store\n", 1796021793);
  EXPECT_EQ(text,
            R"({"message": {"message": "RendezvousConnectionError: no store \u00e9", "extraInfo": {"py_callstack": "refrun: error: no store\n", "timestamp": "1796021793"}}})");
}

TEST(LauncherErrorFile, WriteReplacesTheFileOrSaysWhy) {
  char path[] = "/tmp/refrun_launcher_err_XXXXXX";
  close(mkstemp(path));
  EXPECT_EQ(write_error_file(path, "{}"), "");
  std::ifstream in(path);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), "{}");
  unlink(path);
  EXPECT_NE(write_error_file("/nonexistent/dir/x.json", "{}"), "");
}

}  // namespace refrun
