// A snapshot of /proc: who is whose parent, so the runner can find every
// process descended from it (orphans re-parent to it as a child subreaper).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

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
