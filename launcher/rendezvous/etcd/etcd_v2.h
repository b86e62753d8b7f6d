// etcd's v2 keys API (/v2/keys) as python-etcd 0.4.5 speaks it for
// torchrun's etcd backend: form-encoded PUT bodies, query-string GET and
// DELETE, conditions as prevExist/prevValue/prevIndex, long-poll watches,
// X-Etcd-Index. Members are found through /v2/machines and tried in turn
// when one cannot be reached, as python-etcd's allow_reconnect does.
//
// Every error is one line naming the store. EtcdApiError is etcd's own
// error answer (key not found, compare failed, ...), EtcdUnavailable a
// store that cannot serve right now (unreachable, timed out, no quorum:
// worth retrying for a while), EtcdBadAnswer bytes etcd would never send.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "rendezvous/etcd/http_client.h"
#include "rendezvous/etcd/task.h"

namespace refrun::etcd {

class EtcdError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class EtcdApiError : public EtcdError {
 public:
  EtcdApiError(int code, const std::string& message) : EtcdError(message), code_(code) {}
  int code() const { return code_; }
  static constexpr int kKeyNotFound = 100;
  static constexpr int kCompareFailed = 101;
  static constexpr int kNodeExist = 105;
  static constexpr int kEventIndexCleared = 401;

 private:
  int code_;
};

class EtcdUnavailable : public EtcdError {
 public:
  using EtcdError::EtcdError;
};

class EtcdBadAnswer : public EtcdError {
 public:
  using EtcdError::EtcdError;
};

// A key of the rendezvous holds something no torchrun-compatible agent
// writes (another writer, a different protocol version).
class EtcdBadState : public EtcdError {
 public:
  using EtcdError::EtcdError;
};

struct EtcdNode {
  std::string key;
  std::optional<std::string> value;  // absent for directories
  bool dir = false;
  uint64_t modified_index = 0;
  std::vector<EtcdNode> nodes;  // children of a listed directory
};

struct EtcdAnswer {
  std::string action;  // get, set, create, update, compareAndSwap, expire, ...
  EtcdNode node;
  uint64_t etcd_index = 0;  // X-Etcd-Index: the store's index when it answered
};

// The parameters of one write (python-etcd's write()/test_and_set()/refresh()).
struct EtcdWrite {
  std::optional<std::string> value;
  std::optional<int> ttl;
  bool dir = false;
  std::optional<bool> prev_exist;
  std::optional<std::string> prev_value;
  std::optional<uint64_t> prev_index;
  bool refresh = false;
};

// application/x-www-form-urlencoded, as Python's urlencode (space -> '+').
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// Turns an HTTP answer into an EtcdAnswer or throws the error it means.
// `store` and `what` ("PUT /torchelastic/...") go into the message.
EtcdAnswer parse_etcd_answer(const HttpResponse& r, const std::string& store,
                             const std::string& what);

// "http://127.0.0.1:2379, http://127.0.0.1:22379" -> endpoints; throws
// EtcdBadAnswer on anything else.
std::vector<HttpEndpoint> parse_machines(const std::string& body, const std::string& store);

class EtcdV2 {
 public:
  using Duration = common::EventLoop::Clock::duration;

  // `endpoint` is --rdzv-endpoint; more members are learnt by discover().
  EtcdV2(common::EventLoop& loop, HttpEndpoint endpoint, Duration request_timeout);

  // GET /v2/machines: the members to fail over to. Throws like any request.
  Task<void> discover();
  Task<EtcdAnswer> get(std::string key, bool recursive = false);
  Task<EtcdAnswer> put(std::string key, EtcdWrite w, std::optional<Duration> timeout = {});
  Task<EtcdAnswer> remove(std::string key, std::string prev_value);
  // The next change at or after `index` under key; nullopt when `timeout`
  // passed first or etcd no longer has that index (then re-read).
  Task<std::optional<EtcdAnswer>> watch(std::string key, uint64_t index, bool recursive,
                                        Duration timeout);

  // "etcd at 127.0.0.1:2379", for messages.
  const std::string& store() const { return store_; }
  const std::vector<HttpEndpoint>& members() const { return members_; }
  // The address this agent reaches the store from.
  const std::string& local_address() const { return http_.local_address(); }
  common::EventLoop& loop() { return loop_; }

 private:
  common::EventLoop& loop_;
  HttpClient http_;
  std::vector<HttpEndpoint> members_;
  size_t current_ = 0;
  Duration timeout_;
  std::string store_;
  std::string cluster_id_;
  bool trace_ = false;

  Task<EtcdAnswer> call(HttpRequest req, Duration timeout, bool watch);
  Task<HttpResponse> send(HttpRequest req, Duration timeout);
  void check_cluster(const HttpResponse& r, const HttpEndpoint& member);
};

}  // namespace refrun::etcd
