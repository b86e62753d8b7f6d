// Runs the real refrun binary for end-to-end tests: captured stdout/stderr,
// a scratch directory, and checks that nothing outlives a test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace refrun {

std::string e2e_script(const std::string& name);

// The test process is a child subreaper (set up at start-up), so workers
// orphaned by a SIGKILLed refrun become its children instead of init's (which
// may never reap them in a container). Reaps every exited child; call only
// after the test's RefrunProcess has been waited for.
void reap_orphans();  // path of launcher/e2e/<name>

// A fresh directory under $TMPDIR, removed when the object dies.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
bool file_exists(const std::string& path);
// Waits (generously) until `path` exists; false on timeout.
bool wait_for_file(const std::string& path,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
// True once `pid` is gone (or a zombie); false if it still runs after timeout.
bool wait_gone(pid_t pid, std::chrono::milliseconds timeout = std::chrono::seconds(10));

class RefrunProcess {
 public:
  // Starts refrun with `args`; `env` entries are added to (or, with an empty
  // value "<unset>", removed from) the test's environment.
  RefrunProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                const std::string& dir);
  ~RefrunProcess();
  pid_t pid() const { return pid_; }
  // Waits for exit (SIGKILLs after `timeout` and fails the test). Returns the
  // exit status, or 128+signo if a signal killed it.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
  bool reaped_ = false;
};

struct RunResult {
  int code;
  std::string out;
  std::string err;
};
RunResult run_refrun(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, const std::string& dir);

}  // namespace refrun
