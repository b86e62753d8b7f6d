// One blocking HTTP/1.0 request with a deadline, for the runner's own use:
// probing an etcd member's /health, asking it who leads, and the `http`
// fault action. HTTP/1.0 with "Connection: close" keeps the answer simple
// (no chunking: the body ends with the connection) and every wait is
// bounded, so a member that accepts but never answers costs at most the
// timeout (etcd does exactly that before it has joined its cluster).
#pragma once

#include <string>

namespace launchcheck {

struct HttpProbe {
  int status = 0;     // 0 when there was no answer
  std::string body;   // at most 1 MiB
  std::string error;  // why there was no answer, "" otherwise
};

// `url` is http://HOST:PORT/PATH[?QUERY].
HttpProbe http_probe(const std::string& method, const std::string& url, const std::string& body,
                     const std::string& content_type, int timeout_ms);

}  // namespace launchcheck
