// A snapshot of /proc: who is whose parent and in which group, so a process
// can find everything descended from it, including orphans that re-parented
// to it as a child subreaper (subreaper.h builds the clean-up on this).
#pragma once

#include <sys/types.h>

#include <optional>
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
// One process's entry; nullopt when it is gone.
std::optional<ProcessInfo> read_process(pid_t pid);
// Every process of `table` whose chain of parents leads to `root` (root
// excluded), in table order.
std::vector<ProcessInfo> descendants_of(pid_t root, const std::vector<ProcessInfo>& table);
// The children of `pid`, zombies included: /proc/PID/task/*/children, a
// few small reads (a scan of all of /proc when the kernel lacks that file,
// CONFIG_PROC_CHILDREN off).
std::vector<pid_t> children_of(pid_t pid);
// /proc/PID/cmdline with spaces between the arguments; "" when it is gone.
std::string process_cmdline(pid_t pid);

}  // namespace common
