// The end of a run: anything still descending from the executor once every
// agent has exited is a survivor. It gets a short grace to exit on its own
// (a launcher may still be reaping), then it is recorded and killed.
#pragma once

#include <sys/types.h>

#include <set>
#include <vector>

#include "common/exit_status.h"
#include "common/process.h"
#include "run_record.h"

namespace launchcheck {

// Waits up to `grace_s` for this process's live descendants (`spare`, the
// guard, excluded) to exit, woken by their pidfds rather than by polling;
// returns those still alive then, with their command lines.
std::vector<SurvivorRecord> find_survivors(pid_t spare, double grace_s);

// SIGKILLs every descendant but `spare`, then the process groups the run
// learnt (members that left our tree, e.g. by a double fork to init).
void kill_run(pid_t spare, const std::set<pid_t>& groups);

// Waits for the agent's exit (it was killed) and records how it ended; does
// nothing when it was never started or already recorded.
void reap_agent(AgentRecord& rec, common::Process& agent);

// How an exit reads in a record; the agent ended now.
void record_exit(AgentRecord& rec, const common::ExitStatus& status);

}  // namespace launchcheck
