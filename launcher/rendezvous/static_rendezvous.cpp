#include "rendezvous/static_rendezvous.h"

#include <stdexcept>

#include "common/event_loop.h"
#include "common/free_port.h"

namespace refrun {

namespace {

class StaticRendezvous : public Rendezvous {
 public:
  StaticRendezvous(common::EventLoop& loop, const RendezvousParams& p) : loop_(loop) {
    if (p.min_nodes != p.max_nodes)
      throw std::runtime_error("--nnodes " + std::to_string(p.min_nodes) + ":" +
                               std::to_string(p.max_nodes) +
                               ": the static rendezvous needs a fixed node count (use c10d for "
                               "MIN:MAX)");
    if (p.node_rank >= p.max_nodes)
      throw std::runtime_error("--node-rank " + std::to_string(p.node_rank) +
                               ": must be below --nnodes " + std::to_string(p.max_nodes));
    result_.group_rank = p.node_rank;
    result_.group_world_size = p.max_nodes;
    result_.rank_offset = p.node_rank * p.nproc_per_node;
    result_.world_size = p.max_nodes * p.nproc_per_node;
    if (p.standalone) {
      result_.master_addr = "localhost";
      result_.master_port = common::pick_free_port("127.0.0.1");
    } else {
      // An explicit endpoint overrides --master-addr/--master-port, as upstream.
      result_.master_addr = p.master_addr;
      result_.master_port = p.master_port;
      if (!p.endpoint.empty()) {
        auto colon = p.endpoint.rfind(':');
        result_.master_addr = p.endpoint.substr(0, colon);
        // "[::1]:29500": the brackets belong to the endpoint, not the address.
        if (result_.master_addr.size() > 2 && result_.master_addr.front() == '[' &&
            result_.master_addr.back() == ']')
          result_.master_addr = result_.master_addr.substr(1, result_.master_addr.size() - 2);
        if (colon != std::string::npos) {
          try {
            result_.master_port = std::stoi(p.endpoint.substr(colon + 1));
          } catch (const std::exception&) {
            throw std::runtime_error("--rdzv-endpoint " + p.endpoint + ": bad port");
          }
        }
      }
    }
    // refrun hosts no PyTorch TCPStore: rank 0 must host its own.
    result_.use_agent_store = false;
  }

  void next_round(int restart_count, Done done, Fail) override {
    RendezvousResult r = result_;
    r.restart_count = restart_count;
    r.round = round_++;
    // Asynchronous like every backend: the agent never sees a re-entrant call.
    loop_.add_timer(common::EventLoop::Clock::duration::zero(), [r, done] { done(r); });
  }

  void shutdown() override {}

 private:
  common::EventLoop& loop_;
  RendezvousResult result_;
  int round_ = 0;
};

}  // namespace

std::unique_ptr<Rendezvous> make_static_rendezvous(common::EventLoop& loop,
                                                   const RendezvousParams& params) {
  return std::make_unique<StaticRendezvous>(loop, params);
}

}  // namespace refrun
