// What the etcd backend takes from the command line: --rdzv-endpoint
// (default port 2379, as torchrun) and the --rdzv-conf keys torchrun's etcd
// backend reads (etcd_rendezvous.py: protocol, timeout, last_call_timeout,
// etcd_prefix, cacert, cert, key). Unknown keys are ignored, as upstream.
#pragma once

#include <chrono>
#include <string>

#include "rendezvous/etcd/http_connection.h"
#include "rendezvous/rendezvous.h"

namespace refrun::etcd {

struct EtcdConf {
  HttpEndpoint endpoint;
  std::string protocol = "http";
  // The whole rendezvous (torchrun's rendezvous_barrier deadline).
  std::chrono::milliseconds timeout{600000};
  std::chrono::milliseconds last_call_timeout{30000};
  // Always starts and ends with '/': "/torchelastic/p2p/".
  std::string prefix = "/torchelastic/p2p/";
  std::string cacert, cert, key;
};

// Throws std::runtime_error with one line naming the option and value.
EtcdConf parse_etcd_conf(const RendezvousParams& params);

// The run's keys: "<prefix>run_<id><path>", as EtcdRendezvous.get_path.
std::string run_path(const EtcdConf& conf, const std::string& run_id, const std::string& path);

}  // namespace refrun::etcd
