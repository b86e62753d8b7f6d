// torchrun's EtcdStore (etcd_store.py): the key-value space of one
// rendezvous version, <prefix>run_<id>/rdzv/v_<N>/kv/, where the agents
// exchange their role infos, MASTER_ADDR/MASTER_PORT and the exit barrier.
// Keys and values are base64 (standard alphabet, padded); a get lists the
// directory and long-polls it (recursive watch) until the keys exist.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "rendezvous/etcd/etcd_v2.h"
#include "rendezvous/etcd/task.h"

namespace refrun::etcd {

// torchrun's LookupError("Key ... not found in EtcdStore").
class EtcdKeyTimeout : public EtcdError {
 public:
  using EtcdError::EtcdError;
};

std::string base64_encode(const std::string& bytes);
// Throws std::invalid_argument on anything that is not padded base64.
std::string base64_decode(const std::string& text);

class EtcdKv {
 public:
  using Duration = common::EventLoop::Clock::duration;

  EtcdKv(EtcdV2& etcd, std::string dir);

  // setup_kv_store: the directory (an existing one is fine).
  Task<void> create();
  Task<void> set(std::string key, std::string value);
  // The values of every key, in order, once all exist; EtcdKeyTimeout
  // naming the first missing key after `timeout`.
  Task<std::vector<std::string>> get_all(std::vector<std::string> keys, Duration timeout);

  const std::string& dir() const { return dir_; }

 private:
  EtcdV2& etcd_;
  std::string dir_;  // no trailing '/'
};

}  // namespace refrun::etcd
