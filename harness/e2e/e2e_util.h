// What the end-to-end tests look at: whether a process lives, and the
// fixtures' events a run left.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "worker_event.h"

namespace launchcheck {

// Alive and not a zombie.
inline bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
}

inline bool gone_within(pid_t pid, std::chrono::seconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (!alive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !alive(pid);
}

inline std::vector<WorkerEvent> events_in(const std::string& file) {
  std::ifstream in(file);
  std::vector<WorkerEvent> out;
  std::string line, why;
  while (std::getline(in, line))
    if (auto e = parse_event_line(line, &why)) out.push_back(*e);
  return out;
}

}  // namespace launchcheck
