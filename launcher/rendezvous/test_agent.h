// For the backends' tests: a rendezvous driven as an agent drives it, one
// round at a time, keeping what it answered and how often its callbacks fired.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "rendezvous/rendezvous.h"

namespace refrun::testing {

template <class Backend>
struct TestAgent {
  std::unique_ptr<Backend> rdzv;
  std::optional<RendezvousResult> result;
  std::string error;
  int changes = 0;
  std::string lost;
  bool barrier_done = false;

  void next_round(int restarts = 0) {
    result.reset();
    error.clear();
    rdzv->next_round(
        restarts, [this](const RendezvousResult& r) { result = r; },
        [this](const std::string& e) { error = e; });
  }
  bool settled() const { return result.has_value() || !error.empty(); }
};

}  // namespace refrun::testing
