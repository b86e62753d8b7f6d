// What the reports must survive and satisfy: arbitrary bytes from a launcher,
// Jenkins' JUnit schema (xmllint), the end-of-run lists, the live console.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "console_report.h"
#include "json_report.h"
#include "junit.h"
#include "progress.h"
#include "run_summary.h"
#include "utf8.h"

namespace launchcheck {
namespace {

ScenarioResult result(const std::string& id, Status status, double secs = 1) {
  ScenarioResult r;
  r.id = id;
  r.profile = "p";
  r.status = status;
  r.seconds = secs;
  return r;
}

TEST(Utf8, InvalidBytesAreEscapedValidTextKept) {
  EXPECT_EQ(escape_invalid_utf8("plain é ✓ 😀"), "plain é ✓ 😀");
  EXPECT_EQ(escape_invalid_utf8("a\xff"
                                "b\xc3"),
            "a\\xFFb\\xC3");
  EXPECT_EQ(escape_invalid_utf8("\xc0\xaf"), "\\xC0\\xAF");           // overlong
  EXPECT_EQ(escape_invalid_utf8("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a surrogate
}

// nlohmann::json throws type_error.316 on invalid UTF-8: the verdict of a
// launcher that prints Latin-1 once died with it.
TEST(Utf8, AResultWithInvalidBytesDumpsAndKeepsThem) {
  auto r = result("area/bytes", Status::kFail);
  r.failures.push_back({"exit n0", "exit code 0", "last stderr line: \"caf\xe9\""});
  r.reproduce = {"cd /t && env refrun w\xfe"};
  std::string text;
  ASSERT_NO_THROW(text = json_report({r}, 1, run_info_now("p")).dump());
  auto back = ScenarioResult::from_json(Json::parse(text)["results"][0]);
  ASSERT_EQ(back.failures.size(), 1u);
  ASSERT_EQ(back.reproduce.size(), 1u);
  EXPECT_EQ(back.failures[0].actual, "last stderr line: \"caf\\xE9\"");
  EXPECT_EQ(back.reproduce[0], "cd /t && env refrun w\\xFE");
  EXPECT_NE(junit_report({r}, 1, run_info_now("p")).find("caf\\xE9"), std::string::npos);
}

// Every status, odd bytes included, validates against the schema CI tools use.
TEST(Junit, ValidatesAgainstJenkinsSchema) {
  if (system("command -v xmllint >/dev/null 2>&1") != 0)
    FAIL() << "xmllint missing: scripts/install-deps.sh installs libxml2-utils";
  std::vector<ScenarioResult> all;
  for (auto s : {Status::kPass, Status::kFail, Status::kSkip, Status::kXfail, Status::kXpass,
                 Status::kError})
    all.push_back(result("area/" + to_string(s), s));
  all[1].failures.push_back({"exit n0", "0", "1 \xff <&>"});
  all[5].reason = "cannot start \x01";
  char path[] = "/tmp/lc-junit-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << junit_report(all, 3, RunInfo{"p", "2024-05-01T12:00:00Z", "h", "7", 2, 3});
  std::string cmd = std::string("xmllint --noout --schema ") + TESTDATA_DIR +
                    "/../report/schemas/junit-10.xsd " + path + " 2>&1";
  int status = system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
  unlink(path);
}

TEST(Junit, ErrorsHaveABodyAndFailuresAType) {
  auto e = result("area/e", Status::kError);
  e.reason = "the executor died";
  e.reproduce = {"launchcheck run x.json"};
  auto f = result("area/f", Status::kFail);
  f.failures.push_back({"exit n0", "0", "1"});
  std::string x = junit_report({e, f}, 1, run_info_now("p"));
  EXPECT_NE(x.find("<error message=\"the executor died\" type=\"error\">the executor died\n"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("launchcheck run x.json\n</error>"), std::string::npos) << x;
  EXPECT_NE(x.find("<failure message=\"exit n0: expected 0, actual 1\" type=\"exit n0\">"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("<property name=\"profile\" value=\"p\"/>"), std::string::npos) << x;
}

TEST(RunSummary, FailedListSlowestAndFlaky) {
  auto f = result("a/f", Status::kFail, 3);
  f.reproduce = {"launchcheck run a/f.json"};
  std::vector<ScenarioResult> all = {result("a/p", Status::kPass, 1), f,
                                     result("a/s", Status::kSkip, 0)};
  EXPECT_EQ(failed_list(all), "Failed:\n  FAIL  a/f  (3.00 s)\n      launchcheck run a/f.json\n");
  EXPECT_EQ(failed_list({all[0]}), "");
  EXPECT_EQ(slowest(all, 2), "Slowest 2:\n  3.00 s  a/f\n  1.00 s  a/p\n");
  EXPECT_EQ(slowest(all, 0), "");
  auto again = result("a/p", Status::kFail, 1);
  again.repeat_index = 1;
  auto p2 = result("a/p", Status::kPass, 1);
  p2.repeat_index = 2;
  EXPECT_EQ(flaky_table({all[0], again, p2, f}),
            "Flaky (outcome changed between repeats):\n  a/p  1 fail, 2 pass\n");
  EXPECT_EQ(flaky_table(all), "");
}

TEST(Progress, StyleFollowsTtyCiAndNoColor) {
  EXPECT_TRUE(console_style(true, "auto", nullptr, nullptr).live);
  EXPECT_TRUE(console_style(true, "auto", nullptr, nullptr).colour);
  EXPECT_FALSE(console_style(true, "auto", "true", nullptr).live);  // CI logs: plain lines
  EXPECT_FALSE(console_style(true, "auto", nullptr, "1").colour);
  EXPECT_TRUE(console_style(true, "auto", nullptr, "").colour);  // empty NO_COLOR is unset
  EXPECT_FALSE(console_style(false, "auto", nullptr, nullptr).colour);
  EXPECT_FALSE(console_style(false, "auto", nullptr, nullptr).live);
  EXPECT_TRUE(console_style(false, "always", nullptr, "1").colour);
  EXPECT_FALSE(console_style(true, "never", nullptr, nullptr).colour);
}

TEST(Progress, PlainLinesWithoutATerminal) {
  std::ostringstream out;
  Progress p(out, {}, 2);
  p.started("a/x");
  p.finished(result("a/x", Status::kPass));
  p.tick();
  p.done();
  EXPECT_EQ(out.str(), "PASS  a/x  (1.00 s)\n");
}

TEST(Progress, LiveLineIsRedrawnAndClearedAroundResults) {
  std::ostringstream out;
  Progress p(out, {true, true}, 2);
  p.started("a/x");
  p.finished(result("a/x", Status::kFail));
  p.done();
  std::string s = out.str();
  EXPECT_EQ(s.rfind("[0/2] | 0.00 s | running: a/x", 0), 0u) << s;
  EXPECT_NE(s.find("\r\033[K\033[1;31mFAIL  \033[0ma/x  (1.00 s)\n"), std::string::npos) << s;
  EXPECT_NE(s.find("[1/2] 1 fail |"), std::string::npos) << s;
  EXPECT_EQ(s.substr(s.size() - 4), "\r\033[K");
}

}  // namespace
}  // namespace launchcheck
