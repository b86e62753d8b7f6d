#include "event_log.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

using Json = nlohmann::json;

namespace {

std::optional<int> opt_int(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

std::string opt_str(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

std::optional<WorkerEvent> parse_event_line(const std::string& line, std::string* error) {
  Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  WorkerEvent e;
  e.ev = opt_str(j, "ev");
  if (e.ev.empty()) {
    *error = "no \"ev\" field";
    return std::nullopt;
  }
  auto pid = opt_int(j, "pid");
  if (!pid) {
    *error = "no \"pid\" field";
    return std::nullopt;
  }
  e.pid = *pid;
  e.fixture = opt_str(j, "fixture");
  if (j.contains("mono_ns") && j["mono_ns"].is_number()) e.mono_ns = j["mono_ns"].get<int64_t>();
  e.rank = opt_int(j, "rank");
  e.local_rank = opt_int(j, "local_rank");
  e.attempt = opt_int(j, "attempt");
  e.node = opt_str(j, "node");
  e.ppid = opt_int(j, "ppid").value_or(0);
  e.pgid = opt_int(j, "pgid").value_or(0);
  e.role = opt_str(j, "role");
  if (j.contains("env") && j["env"].is_object())
    for (auto it = j["env"].begin(); it != j["env"].end(); ++it)
      if (it->is_string()) e.env[it.key()] = it->get<std::string>();
  e.step = opt_str(j, "step");
  e.sig = opt_str(j, "sig");
  e.action = opt_str(j, "action");
  e.child_pid = opt_int(j, "child_pid").value_or(0);
  e.code = opt_int(j, "code");
  e.exit_signal = opt_str(j, "signal");
  for (const char* k : {"result", "launched"})
    if (j.contains(k)) e.value = j[k].dump();
  return e;
}

std::vector<std::string> LineSplitter::feed(const char* data, size_t n) {
  std::vector<std::string> lines;
  partial_.append(data, n);
  size_t start = 0;
  for (size_t nl = partial_.find('\n'); nl != std::string::npos; nl = partial_.find('\n', start)) {
    lines.push_back(partial_.substr(start, nl - start));
    start = nl + 1;
  }
  partial_.erase(0, start);
  return lines;
}

EventLogFollower::EventLogFollower(const std::string& path) {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) throw std::runtime_error(std::string("inotify_init1: ") + strerror(errno));
  if (inotify_add_watch(inotify_fd_, path.c_str(), IN_MODIFY) < 0)
    throw std::runtime_error(path + ": inotify_add_watch: " + strerror(errno));
  file_fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file_fd_ < 0) throw std::runtime_error(path + ": " + strerror(errno));
}

EventLogFollower::~EventLogFollower() {
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (file_fd_ >= 0) close(file_fd_);
}

std::vector<std::string> EventLogFollower::read_new_lines() {
  char buf[65536];
  while (read(inotify_fd_, buf, sizeof buf) > 0) {
  }
  std::vector<std::string> lines;
  for (;;) {
    ssize_t n = read(file_fd_, buf, sizeof buf);
    if (n <= 0) break;
    auto more = splitter_.feed(buf, static_cast<size_t>(n));
    lines.insert(lines.end(), more.begin(), more.end());
  }
  return lines;
}

std::vector<std::string> EventLogFollower::read_rest() {
  auto lines = read_new_lines();
  std::string rest = splitter_.rest();
  if (!rest.empty()) lines.push_back(rest);
  return lines;
}
