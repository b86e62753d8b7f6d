#include "signal_names.h"

#include <csignal>
#include <stdexcept>

#include "text_util.h"

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

int signal_from_name(const std::string& raw) {
  std::string name = trim(raw);
  if (name.rfind("SIG", 0) != 0) name = "SIG" + name;
  for (const Entry& e : kSignals)
    if (name == e.name) return e.signo;
  return -1;
}

std::string signal_name(int signo) {
  for (const Entry& e : kSignals)
    if (signo == e.signo) return e.name;
  return "SIG" + std::to_string(signo);
}

std::vector<int> parse_signal_list(const std::string& value) {
  std::vector<int> out;
  for (const std::string& item : split(value, ',')) {
    int signo = signal_from_name(item);
    // SIGKILL and SIGSTOP cannot be caught; asking for them is a mistake.
    if (signo < 0 || signo == SIGKILL || signo == SIGSTOP)
      throw std::invalid_argument("unknown or uncatchable signal '" + trim(item) + "'");
    out.push_back(signo);
  }
  return out;
}
