// A forked copy of this process that works for it without exec'ing (an
// executor, a helper): it gets a parent-death signal, so it never outlives
// this process, even when this one is SIGKILLed.
#pragma once

#include <sys/types.h>

namespace common {

// fork(), and in the child PR_SET_PDEATHSIG(SIGKILL), checked against a
// parent that died before it took effect (the child then _exits 1).
// Returns as fork() does. stdio is flushed first, so nothing buffered is
// written twice. For a program to exec, use spawn() (spawn.h).
pid_t fork_tied();

}  // namespace common
