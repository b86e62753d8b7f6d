#include "failure_summary.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace refrun {

namespace {
std::string write_temp(const std::string& content) {
  char buf[] = "/tmp/refrun_err_XXXXXX";
  int fd = mkstemp(buf);
  FILE* f = fdopen(fd, "w");
  fputs(content.c_str(), f);
  fclose(f);
  return buf;
}
}  // namespace

TEST(ErrorFile, ReadsTheTorchelasticRecord) {
  std::string path = write_temp(
      R"({"message": {"message": "RuntimeError: boom", "extraInfo": {"py_callstack": "Traceback\nRuntimeError: boom", "timestamp": "1700000000"}}})");
  auto rec = read_error_file(path);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->message, "RuntimeError: boom");
  EXPECT_EQ(rec->traceback, "Traceback\nRuntimeError: boom");
  EXPECT_EQ(rec->timestamp.value_or(0), 1700000000.0);
  std::remove(path.c_str());
}

// Issue 12 (fuzzing the record reader): a timestamp of 1e300 reached
// static_cast<time_t> (undefined behaviour; UBSan: float-cast-overflow).
TEST(ErrorFile, ImplausibleTimestampsAreNoTimestamps) {
  for (const char* ts : {"1e300", "-5", "\"nan\"", "\"inf\"", "\"1e300\"", "1e11"}) {
    auto rec = parse_error_record(std::string(R"({"message": {"message": "m", "extraInfo": {"timestamp": )") +
                                  ts + "}}}");
    ASSERT_TRUE(rec) << ts;
    EXPECT_EQ(rec->timestamp.has_value(), std::string(ts) == "1e11") << ts;
  }
  std::string path = write_temp(R"({"message": {"message": "m", "extraInfo": {"timestamp": 1e300}}})");
  std::string summary = format_failure_summary("x.py", {{0, 0, 1, 7, 1700000000.0, path}}, "h");
  EXPECT_NE(summary.find("Root Cause"), std::string::npos);
  std::remove(path.c_str());
}

TEST(ErrorFile, AFileOverFourMebibytesIsNotRead) {
  std::string big = R"({"message": ")" + std::string(5 << 20, 'x') + R"("})";
  std::string path = write_temp(big);
  EXPECT_FALSE(read_error_file(path));
  std::remove(path.c_str());
}

TEST(ErrorFile, MessageWithoutCallstackAndBadFiles) {
  std::string path = write_temp(R"({"message": {"message": "oops", "extraInfo": {}}})");
  auto rec = read_error_file(path);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->traceback, "oops");
  EXPECT_FALSE(rec->timestamp);
  std::remove(path.c_str());
  path = write_temp("not json {");
  EXPECT_FALSE(read_error_file(path));
  std::remove(path.c_str());
  EXPECT_FALSE(read_error_file("/nonexistent/error.json"));
}

TEST(FailureSummary, SingleFailureFormat) {
  WorkerFailure f{1, 1, 3, 1235, 1700000000.0, "/nonexistent/error.json"};
  std::string s = format_failure_summary("train.py", {f}, "host1");
  std::string border(60, '='), section(60, '-');
  EXPECT_EQ(
      s.rfind(border + "\ntrain.py FAILED\n" + section + "\nFailures:\n  <NO_OTHER_FAILURES>\n" +
                  section + "\nRoot Cause (first observed failure):\n[0]:\n  time      : ",
              0),
      0u)
      << s;
  EXPECT_NE(s.find("  host      : host1\n  rank      : 1 (local_rank: 1)\n"
                   "  exitcode  : 3 (pid: 1235)\n  error_file: <N/A>\n"
                   "  traceback : To enable traceback see: "
                   "https://pytorch.org/docs/stable/elastic/errors.html\n" +
                   border + "\n"),
            std::string::npos)
      << s;
}

TEST(FailureSummary, SignalsAndRootCauseIsTheEarliest) {
  WorkerFailure late{2, 2, -9, 1236, 1700000005.0, "/nonexistent"};
  WorkerFailure early{1, 1, -11, 1235, 1700000001.0, "/nonexistent"};
  std::string s = format_failure_summary("x", {late, early}, "h");
  auto root = s.find("Root Cause");
  ASSERT_NE(root, std::string::npos);
  EXPECT_NE(s.find("Signal 9 (SIGKILL) received by PID 1236"), std::string::npos);
  EXPECT_LT(s.find("Signal 9 (SIGKILL)"), root);                        // listed under Failures
  EXPECT_GT(s.find("Signal 11 (SIGSEGV) received by PID 1235"), root);  // the root cause
  EXPECT_NE(s.find("exitcode  : -11 (pid: 1235)"), std::string::npos);
}

TEST(FailureSummary, ErrorRecordTimestampAndIndentedTraceback) {
  std::string path = write_temp(
      R"({"message": {"message": "E", "extraInfo": {"py_callstack": "line1\nline2", "timestamp": "1600000000"}}})");
  // The record's timestamp (earlier) makes rank 3 the root cause although
  // refrun saw it exit later.
  WorkerFailure a{0, 0, 1, 10, 1700000000.0, "/nonexistent"};
  WorkerFailure b{3, 3, 1, 11, 1700000001.0, path};
  std::string s = format_failure_summary("x", {a, b}, "h");
  auto root = s.find("Root Cause");
  EXPECT_GT(s.find("rank      : 3 (local_rank: 3)"), root);
  EXPECT_NE(s.find("  error_file: " + path + "\n  traceback : line1\n  line2\n"), std::string::npos)
      << s;
  std::remove(path.c_str());
}

TEST(FailureSummary, BorderWidthFollowsTheWidestLineUpTo60) {
  WorkerFailure f{0, 0, 1, 1, 1700000000.0, "/nonexistent"};
  std::string s = format_failure_summary("a", {f}, "h");
  EXPECT_EQ(s.substr(0, s.find('\n')), std::string(60, '='));
}

}  // namespace refrun
