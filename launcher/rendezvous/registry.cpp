#include "rendezvous/registry.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include "rendezvous/c10d_rendezvous.h"
#include "rendezvous/etcd_rendezvous.h"
#include "rendezvous/static_rendezvous.h"

namespace refrun {

namespace {

std::map<std::string, RendezvousFactory>& backends() {
  static std::map<std::string, RendezvousFactory> registry;
  return registry;
}

// The built-in backends, one line each.
void register_builtin_backends() {
  register_rendezvous_backend("static", make_static_rendezvous);
  register_rendezvous_backend("c10d", make_c10d_rendezvous);
  register_rendezvous_backend("etcd", make_etcd_rendezvous);
}

void ensure_builtins() {
  static std::once_flag once;
  std::call_once(once, register_builtin_backends);
}

}  // namespace

void register_rendezvous_backend(const std::string& name, RendezvousFactory factory) {
  backends()[name] = std::move(factory);
}

std::unique_ptr<Rendezvous> create_rendezvous(common::EventLoop& loop,
                                              const RendezvousParams& params) {
  ensure_builtins();
  auto it = backends().find(params.backend);
  if (it == backends().end()) {
    std::string known;
    for (const auto& [name, factory] : backends()) known += (known.empty() ? "" : ", ") + name;
    throw std::runtime_error("--rdzv-backend " + params.backend +
                             ": unknown rendezvous backend (refrun knows: " + known + ")");
  }
  return it->second(loop, params);
}

std::vector<std::string> rendezvous_backend_names() {
  ensure_builtins();
  std::vector<std::string> names;
  for (const auto& [name, factory] : backends()) names.push_back(name);
  return names;
}

}  // namespace refrun
