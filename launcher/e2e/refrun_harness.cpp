#include "refrun_harness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace refrun {

namespace {
const bool kSubreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
}  // namespace

void reap_orphans() {
  (void)kSubreaper;
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

std::string e2e_script(const std::string& name) {
  return std::string(TEST_SOURCE_DIR) + "/" + name;
}

ScratchDir::ScratchDir() {
  const char* tmp = getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/refrun_e2e_XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

bool wait_for_file(const std::string& path, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!file_exists(path)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

static bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

bool wait_gone(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (alive(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

RefrunProcess::RefrunProcess(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env,
                             const std::string& dir) {
  out_path_ = dir + "/refrun.stdout";
  err_path_ = dir + "/refrun.stderr";
  std::map<std::string, std::string> full;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) full[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  // The tests' own expectations must not depend on the caller's settings.
  for (const char* k : {"OMP_NUM_THREADS", "TORCHELASTIC_LOG_LINE_PREFIX_TEMPLATE", "PYTHON_EXEC"})
    full.erase(k);
  for (auto& [k, v] : full)
    if (k.rfind("PET_", 0) == 0) v = "<unset>";
  // Default log dirs land in the scratch dir and go away with it.
  full["TMPDIR"] = dir;
  for (const auto& [k, v] : env) full[k] = v;
  std::vector<std::string> envs;
  for (const auto& [k, v] : full)
    if (v != "<unset>") envs.push_back(k + "=" + v);
  std::vector<std::string> argv{REFRUN_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out, 1);
    dup2(err, 2);
    if (chdir(dir.c_str()) != 0) _exit(126);
    execve(REFRUN_BIN, cargv.data(), cenv.data());
    _exit(127);
  }
  close(out);
  close(err);
}

RefrunProcess::~RefrunProcess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int RefrunProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "refrun did not exit in time; killing it";
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  reaped_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string RefrunProcess::out() const {
  return read_file(out_path_);
}
std::string RefrunProcess::err() const {
  return read_file(err_path_);
}

RunResult run_refrun(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, const std::string& dir) {
  RefrunProcess p(args, env, dir);
  int code = p.wait();
  return {code, p.out(), p.err()};
}

}  // namespace refrun
