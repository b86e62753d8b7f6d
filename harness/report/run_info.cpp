#include "run_info.h"

#include <unistd.h>

#include <ctime>

namespace launchcheck {

RunInfo run_info_now(const std::string& profile) {
  RunInfo info;
  info.profile = profile;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) info.hostname = host;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  info.timestamp = ts;
  return info;
}

}  // namespace launchcheck
