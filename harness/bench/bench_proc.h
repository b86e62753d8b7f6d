// What /proc says about a process the benchmark watches: its CPU time and
// its peak resident set, read from outside, never from its own logs.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace launchcheck {

// On-CPU time of every thread of the process, ns (/proc/PID/task/*/schedstat:
// nanosecond resolution, unlike the clock ticks of /proc/PID/stat). -1 when
// the process is gone.
int64_t process_cpu_ns(pid_t pid);
// Peak resident set (VmHWM of /proc/PID/status), KiB; -1 when unreadable.
int64_t process_peak_rss_kib(pid_t pid);

}  // namespace launchcheck
