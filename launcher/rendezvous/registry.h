// The rendezvous backends by name, like torchelastic's rendezvous/registry.py.
// A new backend: a factory in its own unit beside static_rendezvous.*, one
// line in registry.cpp's register_builtin_backends().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rendezvous/rendezvous.h"

namespace refrun {

using RendezvousFactory = std::function<std::unique_ptr<Rendezvous>(
    common::EventLoop& loop, const RendezvousParams& params)>;

// Backends register themselves by name; an unknown name is a usage error.
// A factory throws std::runtime_error with a one-line message on bad params.
void register_rendezvous_backend(const std::string& name, RendezvousFactory factory);
std::unique_ptr<Rendezvous> create_rendezvous(common::EventLoop& loop,
                                              const RendezvousParams& params);
std::vector<std::string> rendezvous_backend_names();

}  // namespace refrun
