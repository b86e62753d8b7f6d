// The etcd service of a scenario ("services": {"etcd": {"members": N}}):
// N members on loopback ports the run picked, v2 enabled, data in the run's
// tmp/etcd/, each in a process group of its own that the executor's guard
// knows (so SIGKILL of launchcheck takes them too). Ready means every
// member answered /health (each probe bounded: a member that has not joined
// its cluster accepts connections and says nothing). Faults act on members
// by index, on "leader" (found with POST /v3/maintenance/status) and on
// "follower" (a live member that is not the leader); stop() kills, reaps
// and removes the data (each member preallocates a 64 MB WAL).
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace launchcheck {

// "" when `etcd` is on PATH, else the reason a scenario needing it is skipped.
std::string etcd_missing_reason();

class EtcdCluster {
 public:
  // Told every member's pid (its process group) as it starts.
  using OnSpawn = std::function<void(pid_t)>;

  // Two ports per member (client, peer); `data_dir` gets a folder per
  // member, `log_dir` an etcd-<name>.log per member.
  EtcdCluster(std::vector<int> client_ports, std::vector<int> peer_ports, std::string data_dir,
              std::string log_dir);
  ~EtcdCluster();
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  // Starts every member and waits for all to be healthy: "" or why not.
  std::string start(double timeout_s, const OnSpawn& on_spawn);
  // `member` is "0".."2", "leader" or "follower". "" or why not.
  std::string signal(const std::string& member, int signo);
  // Kills the member if it runs, then starts it again on its data.
  std::string restart(const std::string& member, const OnSpawn& on_spawn);
  // SIGKILL, reap, remove the data. Safe to call twice.
  void stop();

  size_t size() const { return members_.size(); }
  std::string endpoint(size_t i) const;  // "127.0.0.1:PORT"
  // Which member leads now, asking every live one; nullopt with `why`.
  std::optional<size_t> leader(std::string& why) const;

 private:
  struct Member {
    std::string name;
    int client_port = 0;
    int peer_port = 0;
    std::string data;
    std::string log;
    pid_t pid = -1;
    bool stopped = false;  // SIGSTOPped: it answers nothing, do not ask it
  };
  std::vector<Member> members_;
  std::string token_;
  bool stopped_all_ = false;

  std::string spawn(Member& m, const OnSpawn& on_spawn);
  bool alive(Member& m);  // reaps it when it has exited
  std::optional<size_t> pick(const std::string& member, std::string& why);
  bool healthy(const Member& m, int timeout_ms) const;
};

}  // namespace launchcheck
