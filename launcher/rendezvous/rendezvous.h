// How agents agree on membership, node ranks and where rank 0 lives: the
// interface every backend implements, like torchelastic's RendezvousHandler
// (rendezvous/api.py); backends are found by name in registry.h. Backends
// are asynchronous: they run on the agent's EventLoop and report through
// callbacks, so the agent keeps watching its workers and signals while a
// round is in progress.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace common {
class EventLoop;
}

namespace refrun {

struct RendezvousParams {
  std::string backend;   // "static", "c10d", ...
  std::string endpoint;  // host[:port]; empty when not given
  std::string run_id;    // --rdzv-id (or the standalone uuid)
  int min_nodes = 1;
  int max_nodes = 1;
  std::map<std::string, std::string> conf;  // --rdzv-conf, quotes stripped
  std::string local_addr;                   // --local-addr, empty if not given
  int nproc_per_node = 1;
  // Static rendezvous only.
  int node_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  bool standalone = false;
};

struct RendezvousResult {
  int group_rank = 0;        // this node's rank
  int group_world_size = 1;  // number of nodes in the round
  int rank_offset = 0;       // global rank of this node's local rank 0
  int world_size = 1;        // workers across all nodes
  std::string master_addr;
  int master_port = 0;
  // Failure restarts agreed for this round (the max of what agents reported),
  // so every node's workers see the same TORCHELASTIC_RESTART_COUNT.
  int restart_count = 0;
  int round = 0;
  bool use_agent_store = false;
};

class Rendezvous {
 public:
  using Done = std::function<void(const RendezvousResult&)>;
  using Fail = std::function<void(const std::string& error)>;
  virtual ~Rendezvous() = default;

  // Joins the next round. `restart_count` is how many failure restarts this
  // agent has used. Exactly one of done/fail is called later from the loop.
  virtual void next_round(int restart_count, Done done, Fail fail) = 0;

  // While workers run: called when the membership must change (a peer died or
  // stopped answering, an agent is waiting to join, another node's workers
  // failed). The agent stops its workers and calls next_round again.
  virtual void on_membership_change(std::function<void()> cb) { (void)cb; }

  // While workers run: called when the rendezvous itself is gone (the store
  // was lost, this agent was expelled), with the reason. There is no next
  // round: the agent stops its workers and fails with that reason.
  virtual void on_lost(std::function<void(const std::string& why)> cb) { (void)cb; }

  // The job failed here (this agent's workers failed with no restarts
  // left): close the rendezvous for every agent, as upstream's shutdown
  // after a failure does. The others are told at once (on_closed) and no
  // round forms again. `why` says what failed; `done` runs once the others
  // were told or cannot be (then the agent may exit).
  virtual void close_failed(const std::string& why, std::function<void()> done) {
    (void)why;
    done();
  }

  // While workers run or wait at the exit barrier: another agent closed the
  // rendezvous because the job failed there; `why` names that node and what
  // failed. There is no next round: the agent stops its workers and fails.
  virtual void on_closed(std::function<void(const std::string& why)> cb) { (void)cb; }

  // Called when this agent's workers all succeeded: done runs once every
  // node has finished (the exit barrier), fail if that cannot happen.
  virtual void exit_barrier(std::function<void()> done, Fail fail) {
    (void)fail;
    done();
  }

  // Tears the rendezvous down. Called exactly once when the job ends, on
  // every path; the endpoint must be free for reuse when it returns.
  virtual void shutdown() = 0;
};

}  // namespace refrun
