// Cleaning up after everything a process started, however deep: as a child
// subreaper it inherits the orphans of its descendants, so it can still find
// (process_table.h), kill and reap them when a child of its own left some
// behind (double forks, setsid, a launcher SIGKILLed before its workers).
#pragma once

#include <sys/types.h>

#include <vector>

#include "common/process_table.h"

namespace common {

// PR_SET_CHILD_SUBREAPER: orphans of this process's descendants re-parent
// to it from now on. False when the kernel refuses.
bool become_subreaper();
// Live (not zombie) descendants of this process, found by walking the
// children files down from it; `spare` (e.g. its guard) and whatever
// descends from it are left out.
std::vector<ProcessInfo> live_descendants(pid_t spare = -1);

// What kill_descendants does with this process's own children once they are
// dead: leave them to their owner (kLeave: a caller that holds handles on
// them and reaps them itself), or reap them (kReap: a launcher whose own
// children are gone by then, so every remaining one is a re-parented orphan).
enum class ReapKilled { kLeave, kReap };

// SIGKILLs every live descendant but `spare`'s subtree, walk after walk,
// until a walk finds none alive (processes forked or re-parented meanwhile
// are caught by the next walk); gives up after ~0.5 s. Returns how many
// processes it killed.
int kill_descendants(pid_t spare = -1, ReapKilled reap = ReapKilled::kLeave);
// Reaps every child of this process until none is left; gives up after
// `limit_s` (a child stuck in the kernel must not hang the caller).
void reap_children(double limit_s);

}  // namespace common
