#include "process_table.h"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "clock.h"

namespace launchcheck {

std::vector<ProcInfo> read_process_table() {
  std::vector<ProcInfo> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* ent = readdir(d)) {
    char* end = nullptr;
    long pid = strtol(ent->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    std::ifstream in(std::string("/proc/") + ent->d_name + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    // The command name may hold spaces and parentheses: fields start after
    // the last ')'.
    size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    ProcInfo p;
    p.pid = static_cast<pid_t>(pid);
    rest >> p.state >> p.ppid >> p.pgid;
    if (rest) out.push_back(p);
  }
  closedir(d);
  return out;
}

std::vector<ProcInfo> descendants_of(pid_t root, const std::vector<ProcInfo>& table) {
  std::map<pid_t, pid_t> parent;
  for (auto& p : table) parent[p.pid] = p.ppid;
  std::vector<ProcInfo> out;
  for (auto& p : table) {
    pid_t cur = p.ppid;
    for (int depth = 0; cur > 1 && depth < 1000; ++depth) {
      if (cur == root) {
        out.push_back(p);
        break;
      }
      auto it = parent.find(cur);
      if (it == parent.end()) break;
      cur = it->second;
    }
  }
  return out;
}

std::string process_cmdline(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && s.back() == '\0') s.pop_back();
  for (auto& c : s)
    if (c == '\0') c = ' ';
  return s;
}

void become_subreaper() {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
}

std::vector<ProcInfo> live_descendants(pid_t spare) {
  std::vector<ProcInfo> out;
  for (auto& p : descendants_of(getpid(), read_process_table()))
    if (p.state != 'Z' && p.pid != spare) out.push_back(p);
  return out;
}

void kill_descendants(pid_t spare) {
  for (int round = 0; round < 10; ++round) {
    auto live = live_descendants(spare);
    if (live.empty()) break;
    for (auto& p : live) kill(p.pid, SIGKILL);
  }
}

void reap_children(double limit_s) {
  int64_t give_up = now_ns() + static_cast<int64_t>(limit_s * 1e9);
  for (;;) {
    pid_t r = waitpid(-1, nullptr, WNOHANG);
    if (r > 0) continue;
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || now_ns() >= give_up) break;  // ECHILD: every child reaped
    usleep(1000);
  }
}

}  // namespace launchcheck
