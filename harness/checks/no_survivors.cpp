// `no_survivors` (on unless set false): no process of the run is alive once
// the launcher exited.
#include "check_text.h"
#include "families.h"

namespace launchcheck {

std::any parse_no_survivors(const ExpectInput& in) {
  if (!in.expect.boolean(in.key).value_or(true)) return {};
  return true;
}

void judge_no_survivors(const std::any&, Judging& j) {
  const RunRecord& run = j.run;
  if (run.survivors.empty()) return;
  std::string who;
  for (auto& sv : run.survivors) {
    // Name it as the fixture described itself, when it did.
    std::string role;
    for (auto& e : run.events)
      if (e.ev == "start" && e.pid == sv.pid)
        role = " (" + (e.role.empty() ? std::string("worker") : e.role) +
               (e.rank ? " of rank " + std::to_string(*e.rank) : std::string()) + ")";
    who += (who.empty() ? "" : "; ") + std::to_string(sv.pid) + role + " " + clip(sv.cmdline, 80);
  }
  j.fail("no survivors", "no process of the run alive after the launcher exited",
         std::to_string(run.survivors.size()) + " left (killed now): " + who);
}

}  // namespace launchcheck
