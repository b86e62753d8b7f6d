#include "rendezvous/etcd/etcd_kv.h"

#include <map>
#include <stdexcept>

#include "rendezvous/etcd/printable.h"

namespace refrun::etcd {

using namespace std::chrono_literals;

namespace {

constexpr const char* kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string base64_encode(const std::string& bytes) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) throw std::invalid_argument("length is not a multiple of 4");
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    int pad = 0;
    if (i + 4 == text.size() && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    unsigned n = 0;
    for (int k = 0; k < 4; ++k) {
      int v = k < 4 - pad ? sextet(text[i + k]) : 0;
      if (v < 0) throw std::invalid_argument("not a base64 character");
      n = (n << 6) | static_cast<unsigned>(v);
    }
    out += static_cast<char>((n >> 16) & 255);
    if (pad < 2) out += static_cast<char>((n >> 8) & 255);
    if (pad < 1) out += static_cast<char>(n & 255);
  }
  return out;
}

EtcdKv::EtcdKv(EtcdV2& etcd, std::string dir) : etcd_(etcd), dir_(std::move(dir)) {}

Task<void> EtcdKv::create() {
  try {
    EtcdWrite w;
    w.dir = true;
    w.prev_exist = false;
    co_await etcd_.put(dir_, w);
  } catch (const EtcdApiError& e) {
    if (e.code() != EtcdApiError::kNodeExist) throw;
  }
}

Task<void> EtcdKv::set(std::string key, std::string value) {
  EtcdWrite w;
  w.value = base64_encode(value);
  co_await etcd_.put(dir_ + "/" + base64_encode(key), w);
}

Task<std::vector<std::string>> EtcdKv::get_all(std::vector<std::string> keys, Duration timeout) {
  using Clock = common::EventLoop::Clock;
  auto deadline = Clock::now() + timeout;
  std::vector<std::string> wanted;
  for (const auto& k : keys) wanted.push_back(dir_ + "/" + base64_encode(k));
  for (;;) {
    // GET of the directory with a trailing '/', as torchrun sends it.
    EtcdAnswer listing = co_await etcd_.get(dir_ + "/");
    std::map<std::string, const EtcdNode*> present;
    for (const auto& n : listing.node.nodes) present[n.key] = &n;
    std::vector<std::string> values;
    size_t missing = wanted.size();
    for (size_t i = 0; i < wanted.size(); ++i) {
      auto it = present.find(wanted[i]);
      if (it == present.end() || !it->second->value) {
        missing = i;
        break;
      }
      try {
        values.push_back(base64_decode(*it->second->value));
      } catch (const std::invalid_argument& e) {
        throw EtcdBadState(etcd_.store() + ": " + wanted[i] + " (" + keys[i] + ") holds '" +
                           printable(*it->second->value, 40) + "', not base64: " + e.what());
      }
    }
    if (missing == wanted.size()) co_return values;
    auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero())
      throw EtcdKeyTimeout(etcd_.store() + ": key " + keys[missing] + " (" + wanted[missing] +
                           ") did not appear within " +
                           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                           " s");
    co_await etcd_.watch(dir_ + "/", listing.etcd_index + 1, true, left);
  }
}

}  // namespace refrun::etcd
