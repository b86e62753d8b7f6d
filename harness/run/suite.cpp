#include "suite.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>

#include "common/fork_tied.h"
#include "registry.h"

namespace fs = std::filesystem;

namespace launchcheck {

std::vector<std::string> find_scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".json" &&
            !e.path().filename().string().ends_with(".schema.json"))
          found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
    } else {
      throw std::runtime_error(p + ": no such file or directory");
    }
  }
  return out;
}

std::vector<Scenario> load_scenarios(const std::vector<std::string>& files,
                                     std::vector<std::string>* errors) {
  std::vector<Scenario> out;
  for (auto& f : files) {
    try {
      out.push_back(load_scenario(f, read_expect));
    } catch (const std::exception& e) {
      errors->push_back(e.what());
    }
  }
  return out;
}

bool matches_filter(const Scenario& s, const std::string& glob) {
  if (glob.empty()) return true;
  return fnmatch(glob.c_str(), s.id.c_str(), 0) == 0 ||
         fnmatch(glob.c_str(), s.name.c_str(), 0) == 0;
}

namespace {

struct Running {
  pid_t pid;
  int fd;
  std::string data;
  const Scenario* scenario;
  int repeat_index;
};

// The executor: a forked copy of the runner that owns one scenario's process
// tree. It dies with the runner (PDEATHSIG), and its guard then cleans up.
Running spawn_executor(const Scenario& s, const Profile& p, const RunOptions& opt,
                       int repeat_index) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  pid_t pid = common::fork_tied();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    ScenarioResult r;
    try {
      r = run_scenario(s, p, opt);
    } catch (const std::exception& e) {
      r.id = s.id;
      r.file = s.file;
      r.profile = p.name;
      r.status = Status::kError;
      r.reason = e.what();
    }
    r.repeat_index = repeat_index;
    std::string text = r.to_text();
    size_t off = 0;
    while (off < text.size()) {
      ssize_t n = write(fds[1], text.data() + off, text.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  return {pid, fds[0], "", &s, repeat_index};
}

ScenarioResult finish_executor(Running& r, const Profile& p) {
  int status = 0;
  waitpid(r.pid, &status, 0);
  close(r.fd);
  Json j = Json::parse(r.data, nullptr, false);
  if (!j.is_discarded() && j.is_object()) return ScenarioResult::from_json(j);
  ScenarioResult res;
  res.id = r.scenario->id;
  res.file = r.scenario->file;
  res.profile = p.name;
  res.status = Status::kError;
  res.repeat_index = r.repeat_index;
  res.reason =
      WIFSIGNALED(status)
          ? "the executor died by signal " + std::to_string(WTERMSIG(status))
          : "the executor exited " + std::to_string(WEXITSTATUS(status)) + " without a result";
  return res;
}

}  // namespace

std::vector<ScenarioResult> run_suite(const std::vector<Scenario>& scenarios, const Profile& p,
                                      const RunOptions& opt, int jobs, int repeat,
                                      const std::function<void(const ScenarioResult&)>& on_result) {
  std::deque<std::pair<const Scenario*, int>> queue;
  for (int r = 0; r < repeat; ++r)
    for (auto& s : scenarios) queue.emplace_back(&s, r);
  std::vector<ScenarioResult> results;
  std::vector<Running> running;
  jobs = std::max(1, jobs);
  while (!queue.empty() || !running.empty()) {
    while (!queue.empty() && static_cast<int>(running.size()) < jobs) {
      auto [s, r] = queue.front();
      queue.pop_front();
      running.push_back(spawn_executor(*s, p, opt, r));
    }
    std::vector<pollfd> fds;
    for (auto& r : running) fds.push_back({r.fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + strerror(errno));
    }
    for (size_t i = fds.size(); i-- > 0;) {
      if (!fds[i].revents) continue;
      char buf[65536];
      ssize_t n = read(running[i].fd, buf, sizeof buf);
      if (n > 0) {
        running[i].data.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      results.push_back(finish_executor(running[i], p));
      running.erase(running.begin() + static_cast<long>(i));
      on_result(results.back());
    }
  }
  return results;
}

}  // namespace launchcheck
