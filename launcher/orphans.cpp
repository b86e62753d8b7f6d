#include "orphans.h"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>

namespace refrun {

bool become_child_subreaper() {
  return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
}

namespace {

std::vector<pid_t> numeric_entries(const std::string& dir) {
  std::vector<pid_t> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long v = strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && v > 0) out.push_back(static_cast<pid_t>(v));
  }
  closedir(d);
  return out;
}

// The parent pid from /proc/PID/stat: the field after the ")" that ends
// the command name (which may itself hold spaces and parentheses).
pid_t parent_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  char state = 0;
  int ppid = 0;
  if (sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) return 0;
  return ppid;
}

}  // namespace

std::vector<pid_t> children_of(pid_t pid) {
  std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  std::vector<pid_t> tasks = numeric_entries(task_dir);
  std::vector<pid_t> out;
  bool have_file = false;
  for (pid_t tid : tasks) {
    std::ifstream in(task_dir + "/" + std::to_string(tid) + "/children");
    if (!in) continue;
    have_file = true;
    for (pid_t child; in >> child;) out.push_back(child);
  }
  if (have_file || tasks.empty()) return out;
  for (pid_t p : numeric_entries("/proc"))  // CONFIG_PROC_CHILDREN off
    if (parent_of(p) == pid) out.push_back(p);
  return out;
}

int kill_leftover_descendants(const std::set<pid_t>& keep) {
  std::set<pid_t> killed;
  for (int round = 0; round < 100; ++round) {
    std::vector<pid_t> found, todo = children_of(getpid());
    while (!todo.empty()) {
      pid_t p = todo.back();
      todo.pop_back();
      if (keep.count(p)) continue;
      found.push_back(p);
      for (pid_t c : children_of(p)) todo.push_back(c);
    }
    if (found.empty()) break;
    for (pid_t p : found)
      if (kill(p, SIGKILL) == 0) killed.insert(p);
    // Our own children (re-parented orphans) are ours to reap; zombies
    // among the rest are reaped by their parents or come back to us.
    for (pid_t p : children_of(getpid()))
      if (!keep.count(p)) waitpid(p, nullptr, WNOHANG);
    usleep(5000);
  }
  return static_cast<int>(killed.size());
}

}  // namespace refrun
