// The placement for real machines: a node's command runs through a command
// prefix, `ssh -o BatchMode=yes {host} --` or `srun -w {host} -N1 -n1 --`.
// Such a prefix carries neither the environment nor the working directory
// and re-parses what follows as one shell string (ssh does), so the program
// becomes `cd CWD && exec env -i K=V ... PROGRAM ARGS...`, every word
// quoted, as the prefix's last argument. Every placed process carries
// LAUNCHCHECK_RUN_TAG=<tag>, so a kill_host command can find what the run
// left on a host: ssh forwards no signal, and its death leaves the remote
// command running. Network faults need the hosts' cooperation and are
// refused ("not supported"), so scenarios using them fail rather than pass
// vacuously.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "placement.h"

namespace launchcheck {

struct PrefixConfig {
  // The words before the command; "{host}" is replaced by the host's name
  // (the scenario's name mapped through `hosts`).
  std::vector<std::string> prefix;
  // Scenario host name -> {real name, address}.
  std::map<std::string, PlacedHost> hosts;
  // Runs to kill everything of the run on a host; "{host}" and "{tag}"
  // are replaced. Empty: kill_host is not supported.
  std::vector<std::string> kill_host;
  std::string tag;  // unique per run
};

class PrefixPlacement : public Placement {
 public:
  explicit PrefixPlacement(PrefixConfig config) : c_(std::move(config)) {}

  std::string start() override { return ""; }
  std::vector<PlacedHost> hosts() const override;
  void place(const std::string& host, common::SpawnOptions& spawn) const override;
  std::string isolate(const std::string&) override { return not_supported("isolate"); }
  std::string partition(const std::vector<std::vector<std::string>>&) override {
    return not_supported("partition");
  }
  std::string heal() override { return not_supported("heal"); }
  std::string kill_host(const std::string& host) override;

 private:
  PrefixConfig c_;
  static std::string not_supported(const std::string& fault);
  const PlacedHost& real(const std::string& host) const;
};

}  // namespace launchcheck
