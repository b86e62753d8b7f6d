#include "common/signal_names.h"

#include <csignal>

#include "common/text.h"

namespace common {

namespace {
struct Entry {
  const char* name;
  int signo;
};
const Entry kSignals[] = {
    {"SIGHUP", SIGHUP},       {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT},   {"SIGILL", SIGILL},
    {"SIGTRAP", SIGTRAP},     {"SIGABRT", SIGABRT}, {"SIGBUS", SIGBUS},     {"SIGFPE", SIGFPE},
    {"SIGKILL", SIGKILL},     {"SIGUSR1", SIGUSR1}, {"SIGSEGV", SIGSEGV},   {"SIGUSR2", SIGUSR2},
    {"SIGPIPE", SIGPIPE},     {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM},   {"SIGCHLD", SIGCHLD},
    {"SIGCONT", SIGCONT},     {"SIGSTOP", SIGSTOP}, {"SIGTSTP", SIGTSTP},   {"SIGTTIN", SIGTTIN},
    {"SIGTTOU", SIGTTOU},     {"SIGURG", SIGURG},   {"SIGXCPU", SIGXCPU},   {"SIGXFSZ", SIGXFSZ},
    {"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF}, {"SIGWINCH", SIGWINCH}, {"SIGIO", SIGIO},
    {"SIGPWR", SIGPWR},       {"SIGSYS", SIGSYS},
};
}  // namespace

std::optional<int> signal_from_name(std::string_view raw) {
  std::string name = trim(raw);
  if (name.rfind("SIG", 0) != 0) name = "SIG" + name;
  for (const Entry& e : kSignals)
    if (name == e.name) return e.signo;
  return std::nullopt;
}

std::string signal_name(int signo) {
  for (const Entry& e : kSignals)
    if (signo == e.signo) return e.name;
  return "SIG" + std::to_string(signo);
}

}  // namespace common
