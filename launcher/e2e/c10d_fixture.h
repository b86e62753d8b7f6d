// The fixture of the c10d end-to-end tests: several real refrun processes
// on one loopback endpoint, shell workers that record what they saw in
// files named w_<restart>_<world>_<rank>, and a teardown that proves no
// worker outlived its agent. Used by c10d_test.cpp and c10d_chaos_test.cpp.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/free_port.h"
#include "rendezvous/c10d/socket.h"

namespace refrun {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Refrun {
  pid_t pid = -1;
  std::string log;
  int status = -1;
  bool exited = false;
};

class C10dE2E : public ::testing::Test {
 protected:
  fs::path dir;
  int port = 0;
  std::vector<Refrun*> procs;

  void SetUp() override {
    char tmpl[] = "/tmp/c10d_e2e_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
    port = common::pick_free_port("127.0.0.1");
  }
  void TearDown() override {
    for (auto* p : procs) {
      if (p->exited) continue;
      kill(p->pid, SIGCONT);
      kill(p->pid, SIGKILL);
      waitpid(p->pid, nullptr, 0);
    }
    // Workers die with their agent (PDEATHSIG); make sure none is left.
    for (pid_t w : worker_pids()) EXPECT_NE(wait_gone(w), false) << "worker " << w << " leaked";
    if (!HasFailure()) fs::remove_all(dir);
  }

  // The worker: records its view, then runs `body` (sh).
  std::string script(const std::string& body) {
    fs::path p = dir / ("worker" + std::to_string(++scripts_) + ".sh");
    std::ofstream f(p);
    f << "#!/bin/sh\nD=" << dir.string() << "\n"
      << "echo \"$RANK $LOCAL_RANK $WORLD_SIZE $GROUP_RANK $GROUP_WORLD_SIZE "
         "$TORCHELASTIC_RESTART_COUNT $MASTER_ADDR $MASTER_PORT $$\" > "
         "\"$D/w_${TORCHELASTIC_RESTART_COUNT}_${WORLD_SIZE}_${RANK}\"\n"
      << "echo $$ >> \"$D/pids\"\n"
      << body << "\n";
    f.close();
    fs::permissions(p, fs::perms::owner_all);
    return p.string();
  }

  Refrun& start(const std::vector<std::string>& args, const std::string& worker, int at_port = 0) {
    auto* p = new Refrun;
    owned_.emplace_back(p);
    procs.push_back(p);
    p->log = (dir / ("agent" + std::to_string(procs.size()) + ".log")).string();
    std::vector<std::string> argv = {
        REFRUN_BIN, "--rdzv-backend=c10d",
        "--rdzv-endpoint=127.0.0.1:" + std::to_string(at_port ? at_port : port), "--no-python"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(worker);
    p->pid = fork();
    if (p->pid == 0) {
      int fd = open(p->log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      execv(REFRUN_BIN, cargv.data());
      _exit(127);
    }
    return *p;
  }

  // Waits for exit; returns the exit code (128+signal when killed), -1 on timeout.
  int wait_exit(Refrun& p, std::chrono::seconds limit = 30s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!p.exited && std::chrono::steady_clock::now() < deadline) {
      if (waitpid(p.pid, &p.status, WNOHANG) == p.pid) {
        p.exited = true;
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
    if (!p.exited) return -1;
    return WIFEXITED(p.status) ? WEXITSTATUS(p.status) : 128 + WTERMSIG(p.status);
  }

  std::string log_of(const Refrun& p) {
    std::ifstream f(p.log);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  // Records matching w_<restart>_<world>_*, keyed by rank.
  std::set<int> ranks(int restart, int world) {
    std::set<int> out;
    std::string prefix = "w_" + std::to_string(restart) + "_" + std::to_string(world) + "_";
    for (auto& e : fs::directory_iterator(dir)) {
      std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) == 0) out.insert(std::stoi(name.substr(prefix.size())));
    }
    return out;
  }
  bool wait_for(const std::function<bool()>& cond, std::chrono::seconds limit = 30s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!cond()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
  std::vector<pid_t> worker_pids() {
    std::vector<pid_t> out;
    std::ifstream f(dir / "pids");
    pid_t p;
    while (f >> p) out.push_back(p);
    return out;
  }
  // Gone, or a zombie waiting for init to reap it (dead all the same).
  static bool dead(pid_t pid) {
    if (kill(pid, 0) != 0) return true;
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
  }
  bool wait_gone(pid_t pid) {
    return wait_for([&] { return dead(pid); }, 10s);
  }
  void wait_listening() {
    ASSERT_TRUE(wait_for([&] {
      std::string err;
      int fd = start_connect("127.0.0.1", port, err);
      if (fd < 0) return false;
      // Non-blocking connect: a local refusal shows up at once as POLLERR.
      fd_set w;
      FD_ZERO(&w);
      FD_SET(fd, &w);
      timeval tv{1, 0};
      select(fd + 1, nullptr, &w, nullptr, &tv);
      int so = 0;
      socklen_t len = sizeof so;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
      close(fd);
      return so == 0;
    }));
  }

  static std::set<int> range(int n) {
    std::set<int> s;
    for (int i = 0; i < n; ++i) s.insert(i);
    return s;
  }

  const std::string fast =
      "--rdzv-conf=join_timeout=20,last_call_timeout=0.3,keep_alive_interval=0.1,keep_alive_max_"
      "attempt=3";

 private:
  int scripts_ = 0;
  std::vector<std::unique_ptr<Refrun>> owned_;
};

}  // namespace refrun
