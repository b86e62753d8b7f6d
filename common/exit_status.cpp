#include "common/exit_status.h"

#include <sys/wait.h>

#include "common/signal_names.h"

namespace common {

ExitStatus ExitStatus::from_wait_status(int status) {
  if (WIFSIGNALED(status)) return killed(WTERMSIG(status));
  return exited(WEXITSTATUS(status));
}

ExitStatus ExitStatus::from_siginfo(const siginfo_t& info) {
  if (info.si_code == CLD_EXITED) return exited(info.si_status);
  return killed(info.si_status);
}

std::string ExitStatus::describe() const {
  if (killed_) return "killed by " + signal_name(value_);
  return "exited " + std::to_string(value_);
}

}  // namespace common
