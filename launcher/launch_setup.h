// Turns a parsed command line into what the agent and the rendezvous need,
// doing every check that touches the machine (nproc, script, interpreter)
// before anything starts. Throws UsageError, or LaunchError when the machine
// cannot run the job (--numa-binding). The log dir is created later,
// once the rendezvous accepted its parameters (see main.cpp), so a usage
// error never leaves one behind.
#pragma once

#include "agent_config.h"
#include "options.h"
#include "rendezvous/rendezvous.h"

namespace refrun {

void prepare_launch(const LaunchConfig& launch, const Environment& env, AgentConfig& agent,
                    RendezvousParams& params);

}  // namespace refrun
