// refrun as a child subreaper (PR_SET_CHILD_SUBREAPER): a worker's
// descendant that leaves the worker's process group (setsid, double fork)
// is re-parented to refrun when its parent dies, instead of to init, so
// refrun can still find it, kill it when the worker group stops and reap it.
// (harness/posix/process_table has the harness' own version of this walk;
// it stays separate until common/ has a process table both can use.)
#pragma once

#include <sys/types.h>

#include <set>
#include <vector>

namespace refrun {

// Returns false when the kernel refuses (then orphans go to init as before).
bool become_child_subreaper();
// The children of `pid` (/proc/PID/task/*/children; a scan of /proc when
// the kernel lacks that file).
std::vector<pid_t> children_of(pid_t pid);
// Every live descendant of this process except the subtrees rooted at
// `keep`, SIGKILLed and, once re-parented here, reaped. Repeats until none is
// left (a dying parent re-parents its children to us), at most ~0.5 s.
// Returns how many processes it killed.
int kill_leftover_descendants(const std::set<pid_t>& keep);

}  // namespace refrun
