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

namespace {
// The summary's time, as datetime.fromtimestamp(ts).isoformat(sep="_") in UTC.
std::string root_time(const std::string& summary) {
  auto root = summary.find("Root Cause");
  auto at = summary.find("time      : ", root);
  return summary.substr(at + 12, summary.find('\n', at) - at - 12);
}
}  // namespace

TEST(FailureSummary, TimeComesFromEitherShapeOfRecord) {
  setenv("TZ", "UTC", 1);
  tzset();
  std::string str = write_temp(R"({"message": "str-message-0", "timestamp": "1700000000"})");
  std::string obj = write_temp(
      R"({"message": {"message": "m", "extraInfo": {"py_callstack": "tb", "timestamp": "1700000000"}}})");
  for (const std::string& path : {str, obj}) {
    WorkerFailure f{0, 0, 1, 10, 1800000000.5, path};
    EXPECT_EQ(root_time(format_failure_summary("x", {f}, "h")), "2023-11-14_22:13:20") << path;
  }
  // A string message without a timestamp is time 0, as upstream.
  std::string bare = write_temp(R"({"message": "m"})");
  WorkerFailure f{0, 0, 1, 10, 1800000000.5, bare};
  EXPECT_EQ(root_time(format_failure_summary("x", {f}, "h")), "1970-01-01_00:00:00");
  for (auto& p : {str, obj, bare}) std::remove(p.c_str());
}

TEST(FailureSummary, RootCauseByRecordTimeAcrossShapes) {
  // Rank 1 was seen first, but rank 0's string record is 100 s older.
  std::string str = write_temp(R"({"message": "str-message-0", "timestamp": "1700000000"})");
  std::string obj = write_temp(
      R"({"message": {"message": "o", "extraInfo": {"py_callstack": "tb-1", "timestamp": "1700000100"}}})");
  WorkerFailure r1{1, 1, 1, 11, 1800000000.0, obj};
  WorkerFailure r0{0, 0, 1, 10, 1800000001.0, str};
  FailureReport rep = report_failures("x", {r1, r0}, "h");
  ASSERT_TRUE(rep.root);
  EXPECT_EQ(*rep.root, 1u);
  EXPECT_EQ(rep.root_error.record.message, "str-message-0");
  EXPECT_GT(rep.summary.find("traceback : str-message-0"), rep.summary.find("Root Cause"));
  for (auto& p : {str, obj}) std::remove(p.c_str());
}

TEST(FailureSummary, TiesGoToTheLowestRank) {
  std::string a = write_temp(R"({"message": "a", "timestamp": 5})");
  std::string b = write_temp(R"({"message": "b", "timestamp": 5})");
  WorkerFailure r3{3, 3, 1, 13, 100.0, a};
  WorkerFailure r2{2, 2, 1, 12, 101.0, b};
  EXPECT_EQ(*report_failures("x", {r3, r2}, "h").root, 1u);
  for (auto& p : {a, b}) std::remove(p.c_str());
}

TEST(FailureSummary, UnreadableRecordIsOneWarningAndTheExitTime) {
  std::string bad = write_temp("not json {");
  std::string good = write_temp(R"({"message": "g", "timestamp": "1800000005"})");
  WorkerFailure r0{0, 0, 1, 10, 1800000000.0, bad};
  WorkerFailure r1{1, 1, 1, 11, 1800000001.0, good};
  FailureReport rep = report_failures("x", {r0, r1}, "h");
  ASSERT_EQ(rep.warnings.size(), 1u);
  EXPECT_NE(rep.warnings[0].find(bad + " of rank 0: not JSON"), std::string::npos);
  EXPECT_EQ(rep.warnings[0].find('\n'), std::string::npos);
  EXPECT_EQ(*rep.root, 0u);  // its exit time is earlier than rank 1's record
  EXPECT_EQ(rep.root_error.status, ErrorFile::Status::kUnreadable);
  for (auto& p : {bad, good}) std::remove(p.c_str());
}

TEST(FailureSummary, BorderWidthFollowsTheWidestLineUpTo60) {
  WorkerFailure f{0, 0, 1, 1, 1700000000.0, "/nonexistent"};
  std::string s = format_failure_summary("a", {f}, "h");
  EXPECT_EQ(s.substr(0, s.find('\n')), std::string(60, '='));
}

}  // namespace refrun
