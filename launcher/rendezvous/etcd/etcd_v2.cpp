#include "rendezvous/etcd/etcd_v2.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "rendezvous/etcd/printable.h"

namespace refrun::etcd {

using nlohmann::json;

namespace {

constexpr int kMaxDepth = 16;        // v2 keys nest; ours go 4 deep
constexpr size_t kMaxMembers = 64;   // a /v2/machines list longer than this is not a cluster

EtcdNode to_node(const json& j, int depth, const std::string& where) {
  auto bad = [&](const std::string& why) { return EtcdBadAnswer(where + ": " + why); };
  if (depth > kMaxDepth) throw bad("keys nested deeper than " + std::to_string(kMaxDepth));
  if (!j.is_object()) throw bad("\"node\" is not an object");
  EtcdNode n;
  if (j.contains("key")) {
    if (!j["key"].is_string()) throw bad("\"key\" is not a string");
    n.key = j["key"].get<std::string>();
  }
  if (j.contains("value")) {
    if (!j["value"].is_string()) throw bad("\"value\" of " + printable(n.key, 80) + " is not a string");
    n.value = j["value"].get<std::string>();
  }
  if (j.contains("dir")) {
    if (!j["dir"].is_boolean()) throw bad("\"dir\" is not a boolean");
    n.dir = j["dir"].get<bool>();
  }
  if (j.contains("modifiedIndex")) {
    if (!j["modifiedIndex"].is_number_unsigned()) throw bad("\"modifiedIndex\" is not an index");
    n.modified_index = j["modifiedIndex"].get<uint64_t>();
  }
  if (j.contains("nodes")) {
    if (!j["nodes"].is_array()) throw bad("\"nodes\" is not an array");
    for (const auto& child : j["nodes"]) n.nodes.push_back(to_node(child, depth + 1, where));
  }
  return n;
}

}  // namespace

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += common::form_urlencode(k) + "=" + common::form_urlencode(v);
  }
  return out;
}

EtcdAnswer parse_etcd_answer(const HttpResponse& r, const std::string& store,
                             const std::string& what) {
  std::string where = store + ": " + what;
  json body = json::parse(r.body, nullptr, false);
  bool is_json = !body.is_discarded() && body.is_object();
  if (r.status < 200 || r.status > 299) {
    if (is_json && body.contains("errorCode") && body["errorCode"].is_number_integer()) {
      int code = body["errorCode"].get<int>();
      std::string message = body.value("message", json("")).is_string()
                                ? body.value("message", std::string()) : std::string();
      std::string cause = body.contains("cause") && body["cause"].is_string()
                              ? " (" + printable(body["cause"].get<std::string>(), 200) + ")" : "";
      std::string line = where + ": " + printable(message, 100) + cause;
      // 3xx codes are raft's: no leader, no quorum, a write that timed out.
      if (code >= 300 && code < 400) throw EtcdUnavailable(line);
      throw EtcdApiError(code, line);
    }
    std::string text = printable(r.body, 80);
    if (r.status == 404 && r.body.rfind("404 page not found", 0) == 0)
      throw EtcdBadAnswer(where + ": HTTP 404 '" + text +
                          "': this etcd has no v2 API (start it with --enable-v2=true)");
    if (r.status >= 500) throw EtcdUnavailable(where + ": HTTP " + std::to_string(r.status) + " '" + text + "'");
    throw EtcdBadAnswer(where + ": HTTP " + std::to_string(r.status) + " '" + text + "'");
  }
  if (!is_json) throw EtcdBadAnswer(where + ": the answer is not a JSON object: '" + printable(r.body, 80) + "'");
  EtcdAnswer a;
  if (!body.contains("action") || !body["action"].is_string())
    throw EtcdBadAnswer(where + ": the answer has no \"action\"");
  a.action = body["action"].get<std::string>();
  if (!body.contains("node")) throw EtcdBadAnswer(where + ": the answer has no \"node\"");
  a.node = to_node(body["node"], 0, where);
  std::string index = r.header("X-Etcd-Index");
  if (!index.empty()) {
    if (index.size() > 19 || index.find_first_not_of("0123456789") != std::string::npos)
      throw EtcdBadAnswer(where + ": X-Etcd-Index '" + printable(index, 40) + "' is not an index");
    a.etcd_index = std::stoull(index);
  }
  return a;
}

std::vector<HttpEndpoint> parse_machines(const std::string& body, const std::string& store) {
  std::vector<HttpEndpoint> out;
  std::string text = body;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t b = item.find_first_not_of(" \t\r\n"), e = item.find_last_not_of(" \t\r\n");
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    auto bad = [&] {
      return EtcdBadAnswer(store + ": GET /v2/machines: '" + printable(body, 80) +
                           "' is not a list of member URLs");
    };
    std::string rest;
    if (item.rfind("http://", 0) == 0) rest = item.substr(7);
    else if (item.rfind("https://", 0) == 0) rest = item.substr(8);
    else throw bad();
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= rest.size()) throw bad();
    std::string host = rest.substr(0, colon), port = rest.substr(colon + 1);
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) throw bad();
    int p = std::stoi(port);
    if (p < 1 || p > 65535 || host.find_first_of("/?#@ ") != std::string::npos) throw bad();
    out.push_back({host, p});
    if (out.size() > kMaxMembers) throw bad();
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

EtcdV2::EtcdV2(common::EventLoop& loop, HttpEndpoint endpoint, Duration request_timeout)
    : loop_(loop), http_(loop), timeout_(request_timeout) {
  // REFRUN_ETCD_TRACE=1: every request and answer on stderr (debugging,
  // comparing with a torchrun capture).
  const char* trace = std::getenv("REFRUN_ETCD_TRACE");
  trace_ = trace && *trace && std::string(trace) != "0";
  store_ = "etcd at " + endpoint.text();
  members_.push_back(std::move(endpoint));
}

void EtcdV2::check_cluster(const HttpResponse& r, const HttpEndpoint& member) {
  std::string id = r.header("X-Etcd-Cluster-Id");
  if (id.empty()) return;
  if (cluster_id_.empty()) cluster_id_ = id;
  if (id != cluster_id_)
    throw EtcdBadAnswer(store_ + ": member " + member.text() + " belongs to another cluster (id " +
                        printable(id, 40) + ", first seen " + cluster_id_ + ")");
}

Task<HttpResponse> EtcdV2::send(HttpRequest req, Duration timeout) {
  std::string last;
  for (size_t tried = 0; tried < members_.size(); ++tried) {
    HttpEndpoint member = members_[current_];
    std::optional<HttpError> failed;
    try {
      HttpResponse r = co_await http_.request(member, req, timeout);
      check_cluster(r, member);
      co_return r;
    } catch (const HttpError& e) {
      failed = e;
    }
    // The next request goes to the next member, as python-etcd fails over.
    current_ = (current_ + 1) % members_.size();
    if (!failed->not_sent()) throw *failed;
    last = failed->what();
  }
  std::string which = members_.size() > 1
                          ? "none of its " + std::to_string(members_.size()) + " members answers: "
                          : "";
  throw EtcdUnavailable(store_ + ": " + which + last);
}

// Wall-clock seconds, so the traces of several agents can be merged.
static double trace_time() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

Task<EtcdAnswer> EtcdV2::call(HttpRequest req, Duration timeout, bool watch) {
  std::string what = req.method + " " + req.target.substr(0, 160);
  if (trace_)
    std::fprintf(stderr, "refrun etcd %.3f> %s %s\n", trace_time(), what.c_str(),
                 req.body.c_str());
  HttpResponse r;
  try {
    r = co_await send(req, timeout);
    if (trace_)
      std::fprintf(stderr, "refrun etcd %.3f< %d %s %s\n", trace_time(), r.status, what.c_str(),
                   printable(r.body, 400).c_str());
  } catch (const HttpError& e) {
    if (trace_) std::fprintf(stderr, "refrun etcd %.3f< %s\n", trace_time(), e.what());
    using K = HttpFailure::Kind;
    if (e.kind() == K::kProtocol || e.kind() == K::kTooLarge)
      throw EtcdBadAnswer(store_ + ": " + e.what());
    if (watch && e.kind() == K::kTimeout) throw;  // the caller's timeout, not a failure
    throw EtcdUnavailable(store_ + ": " + e.what());
  }
  co_return parse_etcd_answer(r, store_, what);
}

Task<void> EtcdV2::discover() {
  HttpRequest req{"GET", "/v2/machines", "", ""};
  HttpResponse r;
  try {
    r = co_await send(req, timeout_);
  } catch (const HttpError& e) {
    if (e.kind() == HttpFailure::Kind::kProtocol || e.kind() == HttpFailure::Kind::kTooLarge)
      throw EtcdBadAnswer(store_ + ": " + e.what());
    throw EtcdUnavailable(store_ + ": " + e.what());
  }
  if (r.status != 200) {
    bool v2_off = r.status == 404 && r.body.rfind("404 page not found", 0) == 0;
    throw EtcdBadAnswer(store_ + ": GET /v2/machines: HTTP " + std::to_string(r.status) + " '" +
                        printable(r.body, 80) + "'" +
                        (v2_off ? ": this etcd has no v2 API (start it with --enable-v2=true)" : ""));
  }
  // The given endpoint stays first; the others are where to fail over to.
  for (const auto& m : parse_machines(r.body, store_)) {
    bool known = false;
    for (const auto& k : members_) known = known || k == m;
    if (!known) members_.push_back(m);
  }
}

Task<EtcdAnswer> EtcdV2::get(std::string key, bool recursive) {
  HttpRequest req{"GET", "/v2/keys" + key + (recursive ? "?recursive=true" : ""), "", ""};
  co_return co_await call(std::move(req), timeout_, false);
}

Task<EtcdAnswer> EtcdV2::put(std::string key, EtcdWrite w, std::optional<Duration> timeout) {
  std::vector<std::pair<std::string, std::string>> f;
  // python-etcd's order: value, ttl, dir, then the conditions.
  if (w.value) f.emplace_back("value", *w.value);
  if (w.ttl) f.emplace_back("ttl", std::to_string(*w.ttl));
  if (w.dir) f.emplace_back("dir", "true");
  if (w.refresh) f.emplace_back("refresh", "true");
  if (w.prev_exist) f.emplace_back("prevExist", *w.prev_exist ? "true" : "false");
  if (w.prev_value) f.emplace_back("prevValue", *w.prev_value);
  if (w.prev_index) f.emplace_back("prevIndex", std::to_string(*w.prev_index));
  HttpRequest req{"PUT", "/v2/keys" + key, form_encode(f), "application/x-www-form-urlencoded"};
  co_return co_await call(std::move(req), timeout.value_or(timeout_), false);
}

Task<EtcdAnswer> EtcdV2::remove(std::string key, std::string prev_value) {
  HttpRequest req{"DELETE", "/v2/keys" + key + "?" + form_encode({{"prevValue", prev_value}}), "",
                  ""};
  co_return co_await call(std::move(req), timeout_, false);
}

Task<std::optional<EtcdAnswer>> EtcdV2::watch(std::string key, uint64_t index, bool recursive,
                                              Duration timeout) {
  std::vector<std::pair<std::string, std::string>> q = {{"wait", "true"},
                                                        {"waitIndex", std::to_string(index)}};
  if (recursive) q.emplace_back("recursive", "true");
  HttpRequest req{"GET", "/v2/keys" + key + "?" + form_encode(q), "", ""};
  bool timed_out = false;
  std::optional<EtcdAnswer> answer;
  try {
    answer = co_await call(std::move(req), timeout, true);
  } catch (const HttpError&) {
    timed_out = true;  // only the watch's own timeout gets here
  } catch (const EtcdApiError& e) {
    // 401: the index left etcd's 1000-event window; 400: the watcher was
    // cleared by a recovery. Either way: read again, as torchrun does.
    if (e.code() != EtcdApiError::kEventIndexCleared && e.code() != 400) throw;
  }
  if (timed_out) co_return std::nullopt;
  co_return answer;
}

}  // namespace refrun::etcd
