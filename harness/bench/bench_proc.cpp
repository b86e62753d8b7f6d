#include "bench_proc.h"

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace launchcheck {

int64_t process_cpu_ns(pid_t pid) {
  std::error_code ec;
  int64_t total = 0;
  bool any = false;
  for (auto& t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream f(t.path() / "schedstat");
    int64_t ns = 0;
    if (f >> ns) {
      total += ns;
      any = true;
    }
  }
  return any ? total : -1;
}

int64_t process_peak_rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (f >> key) {
    if (key == "VmHWM:") {
      int64_t kib = -1;
      f >> kib;
      return kib;
    }
    f.ignore(1 << 16, '\n');
  }
  return -1;
}

}  // namespace launchcheck
