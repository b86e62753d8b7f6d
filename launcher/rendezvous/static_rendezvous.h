// The static rendezvous: membership is fixed by the command line
// (--nnodes, --node-rank, --master-addr/--master-port), so a round completes
// at once. Also serves --standalone on one node: localhost, a free port.
#pragma once

#include <memory>

#include "rendezvous/rendezvous.h"

namespace refrun {

std::unique_ptr<Rendezvous> make_static_rendezvous(common::EventLoop& loop,
                                                   const RendezvousParams& params);

}  // namespace refrun
