#include "signals.h"

#include <csignal>
#include <utility>

namespace launchcheck {
namespace {

const std::pair<const char*, int> kSignals[] = {
    {"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},       {"SIGQUIT", SIGQUIT}, {"SIGILL", SIGILL},
    {"SIGTRAP", SIGTRAP}, {"SIGABRT", SIGABRT},     {"SIGBUS", SIGBUS},   {"SIGFPE", SIGFPE},
    {"SIGKILL", SIGKILL}, {"SIGUSR1", SIGUSR1},     {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2},
    {"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM},     {"SIGTERM", SIGTERM}, {"SIGCHLD", SIGCHLD},
    {"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP},     {"SIGTSTP", SIGTSTP}, {"SIGTTIN", SIGTTIN},
    {"SIGTTOU", SIGTTOU}, {"SIGXCPU", SIGXCPU},     {"SIGXFSZ", SIGXFSZ}, {"SIGWINCH", SIGWINCH},
    {"SIGSYS", SIGSYS},   {"SIGVTALRM", SIGVTALRM},
};

}  // namespace

std::optional<int> signal_from_name(const std::string& name) {
  std::string full = name.rfind("SIG", 0) == 0 ? name : "SIG" + name;
  for (const auto& [n, s] : kSignals)
    if (full == n) return s;
  return std::nullopt;
}

std::string signal_name(int signo) {
  for (const auto& [n, s] : kSignals)
    if (s == signo) return n;
  return "SIG" + std::to_string(signo);
}

}  // namespace launchcheck
