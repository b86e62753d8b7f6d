#include <gtest/gtest.h>

#include "console_report.h"
#include "json_report.h"
#include "junit.h"
#include "matrix.h"

namespace launchcheck {
namespace {

ScenarioResult result(Status status) {
  ScenarioResult r;
  r.id = "area/x";
  r.profile = "p";
  r.status = status;
  r.seconds = 1.5;
  return r;
}

TEST(Status, FailuresAndNames) {
  EXPECT_FALSE(is_failure(Status::kPass));
  EXPECT_FALSE(is_failure(Status::kSkip));
  EXPECT_FALSE(is_failure(Status::kXfail));
  EXPECT_TRUE(is_failure(Status::kFail));
  EXPECT_TRUE(is_failure(Status::kXpass));
  EXPECT_TRUE(is_failure(Status::kError));
  for (auto s : {Status::kPass, Status::kFail, Status::kSkip, Status::kXfail, Status::kXpass,
                 Status::kError})
    EXPECT_EQ(status_from_string(to_string(s)), s);
  EXPECT_EQ(to_string(Status::kXpass), "xpass");
  EXPECT_FALSE(status_from_string("PASS"));
}

TEST(Report, ConsoleLines) {
  EXPECT_EQ(console_line(result(Status::kPass)), "PASS  area/x  (1.50 s)");
  auto s = result(Status::kSkip);
  s.reason = "no gpu";
  EXPECT_EQ(console_line(s), "SKIP  area/x  (1.50 s): no gpu");
  EXPECT_EQ(failure_details(result(Status::kPass)), "");
}

TEST(Report, FailureDetailsShowExpectedActualReproduceArtifacts) {
  auto f = result(Status::kFail);
  f.failures.push_back({"exit n0", "exit code 0", "exit code 1"});
  f.reproduce = {"launchcheck run x"};
  f.artifacts = "/tmp/a";
  std::string d = failure_details(f);
  EXPECT_NE(d.find("expected: exit code 0"), std::string::npos);
  EXPECT_NE(d.find("actual:   exit code 1"), std::string::npos);
  EXPECT_NE(d.find("launchcheck run x"), std::string::npos);
  EXPECT_NE(d.find("artifacts: /tmp/a"), std::string::npos);
}

TEST(Report, JunitCountsAndEscapes) {
  auto f = result(Status::kFail);
  f.failures.push_back({"output", "<a & \"b\">", "\x01"});
  std::vector<ScenarioResult> all = {result(Status::kPass), f, result(Status::kSkip), result(Status::kXpass),
                                     result(Status::kError)};
  std::string x = junit_report(all, 2.0, "suite");
  EXPECT_NE(x.find("tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\""), std::string::npos)
      << x;
  EXPECT_NE(x.find("&lt;a &amp; &quot;b&quot;&gt;"), std::string::npos);
  EXPECT_EQ(x.find('\x01'), std::string::npos);
  EXPECT_NE(x.find("<skipped"), std::string::npos);
}

TEST(Report, ResultsRoundTripThroughJson) {
  auto f = result(Status::kXfail);
  f.failures.push_back({"a", "b", "c"});
  f.reproduce = {"x"};
  auto back = ScenarioResult::from_json(f.to_json());
  EXPECT_EQ(back.status, Status::kXfail);
  EXPECT_EQ(back.failures[0].actual, "c");
  EXPECT_TRUE(back.ok());
  EXPECT_FALSE(result(Status::kXpass).ok());
  auto j = json_report({f, result(Status::kFail)}, 1);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["counts"]["fail"], 1);
}

TEST(Report, ResultTextSurvivesBytesThatAreNotUtf8) {
  auto f = result(Status::kFail);
  f.failures.push_back({"output console", "bad \xff\xfe bytes", "bad ?? bytes"});
  auto back = ScenarioResult::from_json(Json::parse(f.to_text()));
  EXPECT_EQ(back.status, Status::kFail);
  EXPECT_EQ(back.failures[0].expected, "bad \uFFFD\uFFFD bytes");
  EXPECT_EQ(back.failures[0].actual, "bad ?? bytes");
}

TEST(Report, MatrixMarkdown) {
  auto a = result(Status::kPass);
  auto b = result(Status::kFail);
  b.failures.push_back({"exit n0", "0", "1"});
  b.failures.push_back({"x", "", ""});
  auto c = result(Status::kSkip);
  c.reason = "lacks | pipe";
  std::string md = matrix_markdown({"area/x"}, {{"p1", {a}}, {"p2", {b}}, {"p3", {c}}});
  EXPECT_EQ(md,
            "| scenario | p1 | p2 | p3 |\n|---|---|---|---|\n"
            "| area/x | pass | **FAIL**: exit n0 (+1) | skip: lacks / pipe |\n"
            "| **passed** | 1/1 | 0/1 | 0/0 |\n");
}

}  // namespace
}  // namespace launchcheck
