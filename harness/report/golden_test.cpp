// The report formats byte for byte: console lines and details, summary,
// JSON, JUnit, the matrix and the trace, for results of every status. The
// expected files (testdata/golden/) were written by the runner before the
// Status enum and the split of report.cpp, so any change shows here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "console_report.h"
#include "json_report.h"
#include "junit.h"
#include "matrix.h"
#include "trace.h"

namespace launchcheck {
namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(TESTDATA_DIR) + "/golden/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ScenarioResult result(const std::string& id, Status status) {
  ScenarioResult r;
  r.id = id;
  r.file = "scenarios/" + id + ".json";
  r.profile = "p";
  r.status = status;
  r.seconds = 1.5;
  r.launcher_seconds = 1.25;
  return r;
}

std::vector<ScenarioResult> sample() {
  std::vector<ScenarioResult> all;
  all.push_back(result("area/pass", Status::kPass));
  auto f = result("area/fail", Status::kFail);
  f.failures.push_back(
      {"exit n0", "exit code 0", "exit code 1; its last stderr line: \"<boom> & 'x'\""});
  f.failures.push_back(
      {"output console", "contains \"a|b\"", "0 occurrence(s) in: \"\x01\x02\n\""});
  f.reproduce = {"launchcheck run --profile p.json x.json",
                 "cd /tmp/x && env A=1 refrun --nproc-per-node=2 w"};
  f.artifacts = "/tmp/art";
  all.push_back(f);
  auto s = result("area/skip", Status::kSkip);
  s.reason = "profile p lacks capability \"gpu\"";
  all.push_back(s);
  auto xf = result("other/xfail", Status::kXfail);
  xf.reason = "known | bug";
  xf.failures.push_back({"a", "b", "c"});
  xf.reproduce = {"r"};
  all.push_back(xf);
  auto xp = result("other/xpass", Status::kXpass);
  xp.reason = "expected to fail (x) but passed: update the expectations file";
  xp.reproduce = {"r2"};
  xp.artifacts = "/tmp/a2";
  all.push_back(xp);
  auto e = result("noarea", Status::kError);
  e.reason = "x.json: /nodes/0: bad <thing>";
  e.repeat_index = 2;
  all.push_back(e);
  auto f2 = result("area/fail2", Status::kFail);
  f2.repeat_index = 1;
  all.push_back(f2);
  auto retried = result("area/retried", Status::kPass);
  auto first = result("area/retried", Status::kFail);
  first.failures.push_back({"exit b", "exit code 0", "exit code 1"});
  first.artifacts = "/tmp/try1";
  retried.earlier_tries.push_back(first);
  all.push_back(retried);
  return all;
}

TEST(Golden, ReportsAreByteIdentical) {
  auto all = sample();
  std::string out;
  for (auto& r : all) out += console_line(r) + "\n" + failure_details(r);
  out += summary_line(all, 12.345) + "\n";
  RunInfo info{"p", "2024-05-01T12:00:00Z", "host", "42", 0, 1};
  out += json_report(all, 12.345, info).dump(2) + "\n";
  out += junit_report(all, 12.345, info);
  std::vector<std::string> ids = {"area/pass",   "area/fail", "area/skip",    "other/xfail",
                                  "other/xpass", "noarea",    "area/retried", "missing"};
  out += matrix_markdown(ids, {{"p", all}, {"q|r", {all[0], all[2]}}});
  for (auto& r : all) out += ScenarioResult::from_json(r.to_json()).to_json().dump() + "\n";
  EXPECT_EQ(out, golden("report.txt"));
}

WorkerEvent event(const char* kind, int pid, int rank, int attempt, int64_t t) {
  WorkerEvent e;
  e.ev = kind;
  e.pid = pid;
  e.ppid = 100;
  e.rank = rank;
  e.attempt = attempt;
  e.mono_ns = t;
  return e;
}

TEST(Golden, TraceIsByteIdentical) {
  RunRecord run;
  run.start_ns = 1000000;
  run.end_ns = 9000000;
  AgentRecord a;
  a.node = "n0";
  a.pid = 100;
  a.started = a.exited = true;
  a.exit_code = 0;
  a.start_ns = 1500000;
  a.end_ns = 8000000;
  run.agents.push_back(a);
  AgentRecord b;
  b.node = "n1";
  run.agents.push_back(b);
  AgentRecord c;
  c.node = "n2";
  c.pid = 300;
  c.started = c.exited = true;
  c.signo = 15;
  c.start_ns = 1600000;
  run.agents.push_back(c);
  run.events.push_back(event("start", 201, 0, 0, 2000000));
  run.events.push_back(event("start", 202, 1, 0, 2100000));
  auto sig = event("signal", 201, 0, 0, 3000000);
  sig.sig = "SIGTERM";
  sig.action = "exit";
  run.events.push_back(sig);
  auto step = event("step", 202, 1, 0, 3100000);
  step.step = "sleep:1";
  run.events.push_back(step);
  auto exit = event("exit", 202, 1, 0, 4000000);
  exit.code = 3;
  run.events.push_back(exit);
  auto killed = event("exit", 201, 0, 0, 4100000);
  killed.exit_signal = "SIGSEGV";
  run.events.push_back(killed);
  run.events.push_back(event("start", 203, 0, 1, 5000000));
  auto grandchild = event("start", 204, 0, 1, 5100000);
  grandchild.role = "grandchild";
  grandchild.ppid = 203;
  run.events.push_back(grandchild);
  run.events.push_back(event("signal", 999, 0, 0, 5200000));
  run.faults.push_back({"/faults/0", "SIGKILL to rank 1's worker", 3500000, ""});
  run.faults.push_back({"/faults/1", "start node n1", 3600000, "node n1 had already started"});
  EXPECT_EQ(build_trace("area/t", run).dump(1) + "\n", golden("trace.json"));
}

}  // namespace
}  // namespace launchcheck
