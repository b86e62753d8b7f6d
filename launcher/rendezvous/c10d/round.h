// The rendezvous rounds of one run id, as the store host sees them. Pure
// logic: time comes in as an argument and results go out through a sink,
// so tests drive it with a fake clock and the store server wires it to
// sockets and timers.
//
// Rules: a round completes when MAX agents joined, or when at least MIN
// joined and either last_call has passed since MIN was reached or (after
// the first round) every live member of the previous round has rejoined.
// While a round's members run their workers, a new or re-joining agent or a
// lost member tells the running members to rejoin (a membership change).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace refrun {

struct RoundNode {
  std::string id;
  int nproc = 1;
  int restart_count = 0;
};

struct RoundAssignment {
  int round = 0;
  int group_rank = 0;
  int group_world_size = 0;
  int rank_offset = 0;
  int world_size = 0;
  int restart_count = 0;
};

class RoundSink {
 public:
  virtual ~RoundSink() = default;
  virtual void round_complete(const std::string& node, const RoundAssignment& a) = 0;
  virtual void join_failed(const std::string& node, const std::string& error) = 0;
  virtual void membership_change(const std::string& node) = 0;
  virtual void barrier_done(const std::string& node) = 0;
};

class RoundStateMachine {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = Clock::duration;

  RoundStateMachine(std::string run_id, int min_nodes, int max_nodes, Duration last_call,
                    RoundSink& sink);

  // Returns an error (and changes nothing) when the join cannot be taken,
  // e.g. --nnodes disagrees with the agents already there.
  std::string join(const RoundNode& node, int min_nodes, int max_nodes, Duration join_timeout,
                   TimePoint now);
  // The node is gone (died, stopped answering, or left). `why` is for logs.
  void remove(const std::string& node, TimePoint now);
  // The node's workers succeeded in `round`; it waits for the others
  // (barrier_done at once when that round is already over).
  void barrier(const std::string& node, int round, TimePoint now);
  void tick(TimePoint now);

  std::optional<TimePoint> next_deadline() const;
  int completed_rounds() const { return completed_rounds_; }
  size_t waiting() const { return joining_.size(); }
  // Nobody waiting and nobody in the last round: the run id may be forgotten.
  bool empty() const { return joining_.empty() && members_.empty(); }
  bool has_node(const std::string& node) const;

 private:
  enum class Status { kRunning, kBarrier, kFinished };
  struct Joiner {
    RoundNode node;
    uint64_t seq;
    int prev_rank;
    TimePoint deadline;
  };
  struct Member {
    std::string id;
    int rank;
    Status status;
    bool notified;
  };

  std::string run_id_;
  int min_;
  int max_;
  Duration last_call_;
  RoundSink& sink_;
  std::vector<Joiner> joining_;
  std::vector<Member> members_;  // of the last completed round
  std::optional<TimePoint> last_call_deadline_;
  int completed_rounds_ = 0;
  uint64_t next_seq_ = 0;

  void notify_running(const std::string& except);
  void check_complete(TimePoint now);
  void complete();
  void check_barrier();
  int running_members() const;
};

}  // namespace refrun
