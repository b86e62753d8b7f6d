#include "last_report.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "selection.h"

namespace fs = std::filesystem;

namespace launchcheck {

std::string last_report_path() {
  const char* xdg = getenv("XDG_CACHE_HOME");
  const char* home = getenv("HOME");
  std::string dir = xdg && *xdg ? xdg : home && *home ? std::string(home) + "/.cache" : "";
  return dir.empty() ? "" : dir + "/launchcheck/last-run.json";
}

void save_last_report(const Json& report) {
  std::string path = last_report_path();
  if (path.empty()) return;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + "." + std::to_string(getpid()) + ".tmp";  // runs may end at once
  {
    std::ofstream out(tmp, std::ios::binary);
    out << report.dump(2) << "\n";
    if (!out) return;
  }
  fs::rename(tmp, path, ec);  // whole or not at all, for a concurrent reader
}

std::set<std::string> last_failed_ids() {
  std::string path = last_report_path();
  if (path.empty() || !fs::exists(path))
    throw std::runtime_error("--rerun-failed: no last report" +
                             (path.empty() ? std::string(" (neither XDG_CACHE_HOME nor HOME set)")
                                           : " at " + path + " (run once first)"));
  try {
    return failed_ids(parse_json_file(path));
  } catch (const std::exception& e) {
    throw std::runtime_error("--rerun-failed: " + path + ": " + e.what());
  }
}

}  // namespace launchcheck
