#include "log_layout.h"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "common/text.h"
#include "template_substitute.h"

namespace refrun {

static bool make_dirs(const std::string& path) {
  std::string::size_type pos = 0;
  while (true) {
    pos = path.find('/', pos + 1);
    std::string part = path.substr(0, pos);
    if (!part.empty() && mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return false;
    if (pos == std::string::npos) break;
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return false;
  }
  return true;
}

// The default base is $TMPDIR/refrun_<pid>_XXXXXX. A SIGKILLed refrun cannot
// remove its own, so each refrun removes those of dead pids that hold no
// file, as it would have at exit (logs and error records are kept).
static void sweep_stale_log_bases(const std::string& tmp) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (auto it = fs::directory_iterator(tmp, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind("refrun_", 0) != 0) continue;
    auto end = name.find('_', 7);
    int pid = 0;
    if (end == std::string::npos || !common::parse_int(name.substr(7, end - 7), pid) || pid <= 0)
      continue;
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    remove_if_no_files(it->path().string());
  }
}

static std::string make_temp_dir(const std::string& pattern) {
  std::string buf = pattern;
  if (!mkdtemp(buf.data())) return "";
  return buf;
}

std::string make_run_log_dir(const std::string& log_dir, const std::string& run_id,
                             const Environment& env) {
  std::string base = log_dir;
  if (base.empty()) {
    auto it = env.find("TMPDIR");
    std::string tmp = it != env.end() && !it->second.empty() ? it->second : "/tmp";
    sweep_stale_log_bases(tmp);
    base = make_temp_dir(tmp + "/refrun_" + std::to_string(getpid()) + "_XXXXXX");
    if (base.empty())
      throw UsageError("--log-dir (default under " + tmp + "): cannot create: " + strerror(errno));
  } else if (!make_dirs(base)) {
    throw UsageError("--log-dir " + log_dir + ": cannot create directory: " + strerror(errno));
  }
  std::string safe_id = run_id;
  for (auto& c : safe_id)
    if (c == '/') c = '_';
  std::string run_dir = make_temp_dir(base + "/" + safe_id + "_XXXXXX");
  if (run_dir.empty()) throw UsageError("--log-dir " + base + ": cannot write: " + strerror(errno));
  return run_dir;
}

void remove_if_no_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_directory(ec)) return;
  }
  if (!ec) fs::remove_all(dir, ec);
}

std::vector<RankLogPaths> make_attempt_dirs(const std::string& run_dir, int attempt, int nproc) {
  std::string attempt_dir = run_dir + "/attempt_" + std::to_string(attempt);
  if (mkdir(attempt_dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + attempt_dir + ": " + strerror(errno));
  std::vector<RankLogPaths> out;
  for (int lr = 0; lr < nproc; ++lr) {
    RankLogPaths p;
    p.dir = attempt_dir + "/" + std::to_string(lr);
    if (mkdir(p.dir.c_str(), 0755) != 0 && errno != EEXIST)
      throw std::runtime_error("cannot create " + p.dir + ": " + strerror(errno));
    // A leftover error file would be mistaken for this attempt's.
    p.error_file = p.dir + "/error.json";
    unlink(p.error_file.c_str());
    p.stdout_log = p.dir + "/stdout.log";
    p.stderr_log = p.dir + "/stderr.log";
    out.push_back(p);
  }
  return out;
}

std::string log_line_prefix(const std::string& tmpl, const std::string& role, int rank,
                            int local_rank) {
  if (tmpl.empty()) return "[" + role + std::to_string(local_rank) + "]:";
  return template_substitute(tmpl, {{"role_name", role},
                                    {"rank", std::to_string(rank)},
                                    {"local_rank", std::to_string(local_rank)}});
}

}  // namespace refrun
