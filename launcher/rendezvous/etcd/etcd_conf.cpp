#include "rendezvous/etcd/etcd_conf.h"

#include <cmath>
#include <stdexcept>

#include "common/text.h"
#include "rendezvous/c10d/socket.h"

namespace refrun::etcd {

namespace {

constexpr int kDefaultPort = 2379;

std::runtime_error bad_conf(const std::string& key, const std::string& value,
                            const std::string& want) {
  return std::runtime_error("invalid --rdzv-conf " + key + "=" + value + ": " + want);
}

// torchrun reads these with int(); refrun also takes fractions (short
// windows for tests), never a negative or absurd number.
std::chrono::milliseconds seconds(const std::string& key, const std::string& value) {
  double s = 0;
  if (!common::parse_double(common::trim(value), s) || !std::isfinite(s) || s < 0 || s > 1e7)
    throw bad_conf(key, value, "expected a number of seconds (0 or more)");
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(s * 1000)));
}

// Keys go into URL paths unescaped, as python-etcd sends them: only
// characters that mean nothing there are allowed.
bool path_safe(const std::string& s, bool slash_ok) {
  for (unsigned char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || (slash_ok && c == '/');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

EtcdConf parse_etcd_conf(const RendezvousParams& params) {
  EtcdConf c;
  std::string ep = common::trim(params.endpoint);
  C10dEndpoint parsed = parse_c10d_endpoint(ep.empty() ? "localhost" : ep, kDefaultPort);
  if (parsed.port == 0)
    throw std::runtime_error("invalid --rdzv-endpoint '" + params.endpoint +
                             "': the etcd backend needs the port etcd listens on");
  c.endpoint = {parsed.host, parsed.port};
  if (params.run_id.empty() || !path_safe(params.run_id, false))
    throw std::runtime_error("invalid --rdzv-id '" + params.run_id +
                             "': the etcd backend takes letters, digits, '.', '_' and '-'");
  for (const auto& [key, value] : params.conf) {
    if (key == "protocol") {
      if (value != "http" && value != "https")
        throw bad_conf(key, value, "expected http or https (as torchrun: lower case)");
      c.protocol = value;
    } else if (key == "timeout") {
      c.timeout = seconds(key, value);
    } else if (key == "last_call_timeout") {
      c.last_call_timeout = seconds(key, value);
    } else if (key == "etcd_prefix") {
      if (value.empty() || !path_safe(value, true) || value.find("//") != std::string::npos)
        throw bad_conf(key, value, "expected a key path of letters, digits, '.', '_', '-' and '/'");
      c.prefix = (value.front() == '/' ? "" : "/") + value;
      if (c.prefix.back() != '/') c.prefix += '/';
    } else if (key == "cacert") {
      c.cacert = value;
    } else if (key == "cert") {
      c.cert = value;
    } else if (key == "key") {
      c.key = value;
    }
  }
  if (c.protocol == "https")
    throw std::runtime_error(
        "--rdzv-conf protocol=https: refrun's etcd backend speaks plain http only "
        "(see launcher/ETCD.md)");
  if (!c.cacert.empty() || !c.cert.empty() || !c.key.empty())
    throw std::runtime_error("--rdzv-conf cacert/cert/key: only meaningful with protocol=https, "
                             "which refrun's etcd backend does not support (see launcher/ETCD.md)");
  return c;
}

std::string run_path(const EtcdConf& conf, const std::string& run_id, const std::string& path) {
  std::string p = path.empty() || path.front() == '/' ? path : "/" + path;
  return conf.prefix + "run_" + run_id + p;
}

}  // namespace refrun::etcd
