// How a process ended: exited with a code, or killed by a signal, and the
// ways the project reports it.
#pragma once

#include <signal.h>

#include <string>

namespace common {

class ExitStatus {
 public:
  static ExitStatus exited(int code) { return ExitStatus(false, code); }
  static ExitStatus killed(int signo) { return ExitStatus(true, signo); }
  // From waitpid()'s status word.
  static ExitStatus from_wait_status(int status);
  // From waitid()'s siginfo (si_code CLD_EXITED, CLD_KILLED or CLD_DUMPED).
  static ExitStatus from_siginfo(const siginfo_t& info);

  bool is_exited() const { return !killed_; }
  bool is_killed() const { return killed_; }
  int exit_code() const { return killed_ ? -1 : value_; }  // -1 when killed
  int signal() const { return killed_ ? value_ : 0; }      // 0 when exited
  bool success() const { return !killed_ && value_ == 0; }

  // torchelastic's exit code (what refrun's failure summary shows): the exit
  // code, or -signo when a signal killed the process.
  int torchelastic_code() const { return killed_ ? -value_ : value_; }
  // A shell's $?: the exit code, or 128+signo.
  int shell_code() const { return killed_ ? 128 + value_ : value_; }
  // "exited 3", "killed by SIGTERM".
  std::string describe() const;

  friend bool operator==(const ExitStatus&, const ExitStatus&) = default;

 private:
  ExitStatus(bool killed, int value) : killed_(killed), value_(value) {}
  bool killed_;
  int value_;
};

}  // namespace common
