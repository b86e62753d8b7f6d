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
// Live (not zombie) descendants of this process, `spare` (e.g. its guard)
// excluded.
std::vector<ProcessInfo> live_descendants(pid_t spare = -1);
// SIGKILLs every live descendant but `spare`, in rounds, so children forked
// meanwhile are caught too.
void kill_descendants(pid_t spare = -1);
// Reaps every child of this process until none is left; gives up after
// `limit_s` (a child stuck in the kernel must not hang the caller).
void reap_children(double limit_s);

}  // namespace common
