// A snapshot of /proc: who is whose parent, so the runner can find every
// process descended from it (orphans re-parent to it as a child subreaper),
// and the clean-up built on it. Harness-local until common/ provides it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace launchcheck {

struct ProcInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  char state = '?';  // 'Z' for zombies
};

std::vector<ProcInfo> read_process_table();
// Every process whose chain of parents leads to `root` (root excluded).
std::vector<ProcInfo> descendants_of(pid_t root, const std::vector<ProcInfo>& table);
// "/proc/PID/cmdline" with spaces between arguments; "" when gone.
std::string process_cmdline(pid_t pid);

// Orphans of this process's descendants re-parent to it from now on, so they
// stay findable (and reapable) here.
void become_subreaper();
// Live (not zombie) descendants of this process, `spare` (the guard) excluded.
std::vector<ProcInfo> live_descendants(pid_t spare = -1);
// SIGKILLs every live descendant but `spare`, in rounds, so children forked
// meanwhile are caught too.
void kill_descendants(pid_t spare = -1);
// Reaps every child of this process; gives up after `limit_s` (a child stuck
// in the kernel must not hang the runner).
void reap_children(double limit_s);

}  // namespace launchcheck
