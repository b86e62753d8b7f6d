// Starting one worker of the group: its environment, argv, process group,
// parent-death signal and guard registration (common/spawn.h), and where
// its stdout and stderr go (--redirects, --tee, --local-ranks-filter):
// straight into a log file, through an output pump to the log file and the
// console, to /dev/null, or inherited.
#pragma once

#include <memory>

#include "agent_config.h"
#include "common/event_loop.h"
#include "common/process.h"
#include "common/process_guard.h"
#include "console_sink.h"
#include "filtered_log.h"
#include "log_layout.h"
#include "output_pump.h"
#include "rendezvous/rendezvous.h"

namespace refrun {

// Where a worker's tee'd lines go besides its log files.
struct WorkerConsoles {
  ConsoleSink& out;
  ConsoleSink& err;
  std::shared_ptr<FilteredLog> filtered_out;  // --duplicate-stdout-filters, may be null
  std::shared_ptr<FilteredLog> filtered_err;
};

struct SpawnedWorker {
  common::Process proc;
  std::unique_ptr<OutputPump> out;
  std::unique_ptr<OutputPump> err;
};

// Throws std::runtime_error when no process could be made; an exec failure
// is not one: the worker exits 127 with a line on its stderr, as upstream's.
SpawnedWorker spawn_worker(common::EventLoop& loop, const AgentConfig& cfg,
                           const RendezvousResult& round, int local_rank,
                           const RankLogPaths& paths, common::ProcessGuard* guard,
                           const WorkerConsoles& consoles);

}  // namespace refrun
