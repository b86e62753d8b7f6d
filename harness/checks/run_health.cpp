// The checks that need no `expect` key: the run went as planned, so the
// rest of the verdict means something.
#include "check_text.h"
#include "families.h"

namespace launchcheck {

void judge_run_health(Judging& j) {
  const RunRecord& run = j.run;
  if (run.timed_out)
    j.fail("timeout",
           "the run ends within " + std::to_string(static_cast<int>(run.timeout_s)) + " s",
           "still running at the timeout; everything was killed");
  for (auto& a : run.agents)
    if (!a.exec_error.empty()) j.fail("start " + a.node, "the launcher starts", a.exec_error);
  for (auto& fr : run.faults)
    if (!fr.outcome.empty()) j.fail("fault " + fr.pointer, fr.what, fr.outcome);
  if (!run.bad_event_lines.empty())
    j.fail("event log", "every event line is whole JSON",
           std::to_string(run.bad_event_lines.size()) + " bad line(s), first: \"" +
               clip(run.bad_event_lines[0], 120) + "\"");
}

}  // namespace launchcheck
