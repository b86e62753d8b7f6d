// What the end-to-end tests look at: whether a process lives, and the
// fixtures' events a run left.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "json_reader.h"
#include "worker_event.h"

extern char** environ;

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

// Starts `argv` in the background with stdout and stderr into `out_file`.
inline pid_t spawn_to_file(const std::vector<std::string>& args, const std::string& out_file) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// The workers' start events under a --keep-artifacts folder, once there are
// `n` (or 20 s passed).
inline std::vector<WorkerEvent> wait_for_starts(const std::string& art, size_t n) {
  std::vector<WorkerEvent> starts;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (starts.size() < n && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    starts.clear();
    std::error_code ec;
    for (auto& d : std::filesystem::directory_iterator(art, ec))
      for (auto& e : events_in(d.path().string() + "/events.jsonl"))
        if (e.ev == "start") starts.push_back(e);
  }
  return starts;
}

struct RunOutput {
  int code = -1;
  std::string out;  // stdout and stderr
  Json report;      // the --json report, when asked for and written
};

// Runs `launchcheck run --json DIR/report.json ARGS...` (each argument
// single-quoted) after `env_prefix` (e.g. "XDG_CACHE_HOME=/x "), and waits.
inline RunOutput launchcheck_run(const std::vector<std::string>& args, const std::string& dir,
                                 const std::string& env_prefix = "") {
  std::string json = dir + "/report.json";
  std::remove(json.c_str());
  std::string cmd = env_prefix + std::string(LAUNCHCHECK_BIN) + " run --json " + json;
  for (auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  RunOutput r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(json);
  if (in) r.report = Json::parse(in, nullptr, false);
  return r;
}

}  // namespace launchcheck
