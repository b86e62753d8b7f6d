// Ctrl-C during `launchcheck run` or `bench` (SIGINT, SIGTERM, SIGHUP): the
// run in progress stops, kills what it started and reports the signal. The
// handler only notes the signal and writes a byte to a pipe that the run's
// event loop watches, so the loop wakes at once (the self-pipe trick).
#pragma once

namespace common {

void install_interrupt_handlers();
// In a forked child that must die of these signals as usual (an executor):
// default dispositions again, and the parent's pipe closed.
void restore_default_interrupt_handlers();
// The signal that came, 0 while none did.
int interrupt_signal();
// Readable once a signal came; -1 before install_interrupt_handlers().
int interrupt_fd();

}  // namespace common
