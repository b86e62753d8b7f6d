#include "suite.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>

#include "common/fork_tied.h"
#include "common/interrupt.h"
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

namespace {

// One scenario run: a first try, or a retry that carries the failed tries
// before it.
struct Job {
  const Scenario* scenario;
  int repeat_index;
  std::vector<ScenarioResult> earlier;  // failed tries of this run, oldest first
};

struct Running {
  pid_t pid;
  int fd;
  std::string data;
  Job job;
};

// The executor: a forked copy of the runner that owns one scenario's process
// tree. It dies with the runner (PDEATHSIG), and its guard then cleans up.
Running spawn_executor(Job job, const Profile& p, const RunOptions& opt) {
  const Scenario& s = *job.scenario;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  pid_t pid = common::fork_tied();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    common::restore_default_interrupt_handlers();  // Ctrl-C kills an executor, as before
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
    r.repeat_index = job.repeat_index;
    std::string text = r.to_text();
    size_t off = 0;
    while (off < text.size()) {
      ssize_t n = write(fds[1], text.data() + off, text.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    // The verdict is complete: EOF now, not after the exit's teardown.
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  return {pid, fds[0], "", std::move(job)};
}

// At EOF: a complete verdict is taken at once; the executor is reaped when
// it has exited (its exit may wait on the kernel, e.g. for closing inotify:
// see reap_exited). Only without a verdict is its exit status needed.
ScenarioResult finish_executor(Running& r, const Profile& p, std::vector<pid_t>* exiting) {
  close(r.fd);
  Json j = Json::parse(r.data, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (waitpid(r.pid, nullptr, WNOHANG) == 0) exiting->push_back(r.pid);
    return ScenarioResult::from_json(j);
  }
  int status = 0;
  waitpid(r.pid, &status, 0);
  ScenarioResult res;
  res.id = r.job.scenario->id;
  res.file = r.job.scenario->file;
  res.profile = p.name;
  res.status = Status::kError;
  res.repeat_index = r.job.repeat_index;
  res.reason =
      WIFSIGNALED(status)
          ? "the executor died by signal " + std::to_string(WTERMSIG(status))
          : "the executor exited " + std::to_string(WEXITSTATUS(status)) + " without a result";
  return res;
}

// Reaps the executors that have exited since; with block, all of them.
void reap_exited(std::vector<pid_t>* exiting, bool block) {
  std::erase_if(*exiting, [&](pid_t pid) { return waitpid(pid, nullptr, block ? 0 : WNOHANG) != 0; });
}

// Stops what still runs: the executor's guard sees its socket close and
// SIGKILLs every process group of the run.
void kill_executors(std::vector<Running>& running) {
  for (auto& r : running) kill(r.pid, SIGKILL);
  for (auto& r : running) {
    waitpid(r.pid, nullptr, 0);
    close(r.fd);
  }
  running.clear();
}

}  // namespace

SuiteOutcome run_suite(const std::vector<Scenario>& scenarios, const Profile& p,
                       const RunOptions& opt, const SuiteOptions& so, const SuiteHooks& hooks) {
  std::deque<Job> queue;
  for (int r = 0; r < so.repeat; ++r)
    for (auto& s : scenarios) queue.push_back({&s, r, {}});
  common::install_interrupt_handlers();
  SuiteOutcome out;
  std::vector<Running> running;
  std::vector<pid_t> exiting;  // verdict read, exit not yet reaped
  bool stop = false;  // --fail-fast: a result failed
  while ((!queue.empty() && !stop) || !running.empty()) {
    while (!stop && !queue.empty() && static_cast<int>(running.size()) < std::max(1, so.jobs)) {
      running.push_back(spawn_executor(std::move(queue.front()), p, opt));
      queue.pop_front();
      const Job& job = running.back().job;
      if (hooks.on_start && job.earlier.empty()) hooks.on_start(*job.scenario, job.repeat_index);
    }
    std::vector<pollfd> fds;
    for (auto& r : running) fds.push_back({r.fd, POLLIN, 0});
    fds.push_back({common::interrupt_fd(), POLLIN, 0});
    int n = poll(fds.data(), fds.size(), 1000);
    if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + strerror(errno));
    if (common::interrupt_signal()) {
      out.signal = common::interrupt_signal();
      out.not_run = queue.size() + running.size();
      kill_executors(running);
      reap_exited(&exiting, true);
      return out;
    }
    reap_exited(&exiting, false);
    if (n == 0 && hooks.on_tick) hooks.on_tick();
    if (n <= 0) continue;
    for (size_t i = running.size(); i-- > 0;) {
      if (!fds[i].revents) continue;
      char buf[65536];
      ssize_t got = read(running[i].fd, buf, sizeof buf);
      if (got > 0) {
        running[i].data.append(buf, static_cast<size_t>(got));
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      ScenarioResult res = finish_executor(running[i], p, &exiting);
      Job job = std::move(running[i].job);
      running.erase(running.begin() + static_cast<long>(i));
      if (res.status == Status::kFail && static_cast<int>(job.earlier.size()) < so.retries) {
        // Next in line, so a retry does not wait behind the whole queue.
        job.earlier.push_back(std::move(res));
        queue.push_front(std::move(job));
        continue;
      }
      res.earlier_tries = std::move(job.earlier);
      out.results.push_back(std::move(res));
      if (hooks.on_result) hooks.on_result(out.results.back());
      stop = stop || (so.fail_fast && !out.results.back().ok());
    }
  }
  reap_exited(&exiting, true);
  out.not_run = queue.size();
  return out;
}

}  // namespace launchcheck
