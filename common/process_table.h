// A snapshot of /proc: who is whose parent and in which group, so a process
// can find everything descended from it, including orphans that re-parented
// to it as a child subreaper (subreaper.h builds the clean-up on this).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace common {

struct ProcessInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  char state = '?';  // as /proc/PID/stat says: 'Z' for zombies
};

// Every process this one can see; those that vanish while it reads are left
// out.
std::vector<ProcessInfo> read_process_table();
// Every process of `table` whose chain of parents leads to `root` (root
// excluded), in table order.
std::vector<ProcessInfo> descendants_of(pid_t root, const std::vector<ProcessInfo>& table);
// /proc/PID/cmdline with spaces between the arguments; "" when it is gone.
std::string process_cmdline(pid_t pid);

}  // namespace common
