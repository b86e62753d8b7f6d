#include "common/process_table.h"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace common {

namespace {

// /proc/PID/stat's state, ppid and pgid; false when the process is gone.
bool read_stat(pid_t pid, ProcessInfo& p) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  // The command name may hold spaces and parentheses: the fields start after
  // the last ')'.
  size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 > stat.size()) return false;
  std::istringstream rest(stat.substr(close + 2));
  rest >> p.state >> p.ppid >> p.pgid;
  return static_cast<bool>(rest);
}

// The numeric names in a /proc directory (pids or thread ids).
std::vector<pid_t> numeric_entries(const std::string& dir) {
  std::vector<pid_t> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* ent = readdir(d)) {
    char* end = nullptr;
    long v = strtol(ent->d_name, &end, 10);
    if (end != ent->d_name && *end == '\0' && v > 0) out.push_back(static_cast<pid_t>(v));
  }
  closedir(d);
  return out;
}

}  // namespace

std::vector<ProcessInfo> read_process_table() {
  std::vector<ProcessInfo> out;
  for (pid_t pid : numeric_entries("/proc"))
    if (auto p = read_process(pid)) out.push_back(*p);
  return out;
}

std::optional<ProcessInfo> read_process(pid_t pid) {
  ProcessInfo p;
  p.pid = pid;
  if (pid <= 0 || !read_stat(pid, p)) return std::nullopt;
  return p;
}

std::vector<ProcessInfo> descendants_of(pid_t root, const std::vector<ProcessInfo>& table) {
  std::map<pid_t, pid_t> parent;
  for (const auto& p : table) parent[p.pid] = p.ppid;
  std::vector<ProcessInfo> out;
  for (const auto& p : table) {
    pid_t cur = p.ppid;
    // The depth bound guards against a cycle in a table read while pids
    // were being recycled.
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

std::vector<pid_t> children_of(pid_t pid) {
  std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  std::vector<pid_t> tasks = numeric_entries(task_dir);
  std::vector<pid_t> out;
  bool have_file = false;
  // Each thread lists the children it forked: read every thread's file.
  for (pid_t tid : tasks) {
    std::ifstream in(task_dir + "/" + std::to_string(tid) + "/children");
    if (!in) continue;
    have_file = true;
    for (pid_t child; in >> child;) out.push_back(child);
  }
  if (have_file || tasks.empty()) return out;
  for (const auto& p : read_process_table())
    if (p.ppid == pid) out.push_back(p.pid);
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

}  // namespace common
