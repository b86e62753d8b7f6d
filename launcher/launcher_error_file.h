// The launcher's own TORCHELASTIC_ERROR_FILE: when refrun is started with it
// set (a scheduler reading why the job failed), refrun writes there what
// torchrun's @record (errors/__init__.py) would:
//  - the job failed: the root-cause worker's record, with the exit code
//    added as message.errorCode when the message is an object; a string
//    message is copied verbatim; nothing when that worker left no readable
//    record (as upstream, which only logs then);
//  - the agent itself failed (rendezvous, signal, ...): its own record,
//    {"message": {"message": "<Type>: <what>", "extraInfo":
//    {"py_callstack": "<refrun's line>", "timestamp": "<unix s>"}}}.
// Usage errors (exit 2) write nothing, like argparse's exit.
#pragma once

#include <string>

#include "error_record.h"

namespace refrun {

// The text to write for the root cause, or "" when there is nothing to copy.
std::string root_cause_record(const ErrorFile& root, int exitcode);
// The agent's own record; `type` is the Python exception name upstream
// would report (RendezvousConnectionError, SignalException, ...).
std::string agent_error_record(const std::string& type, const std::string& what,
                               const std::string& callstack, long unix_seconds);
// Replaces `path` with `content`; returns "" or why not (one line).
std::string write_error_file(const std::string& path, const std::string& content);

}  // namespace refrun
