// refrun: a torchrun-compatible launcher for one node. This file wires the
// units together: options -> checks -> rendezvous -> agent.
#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <optional>
#include <string>

#include "agent.h"
#include "common/environment.h"
#include "common/open_file_limit.h"
#include "common/process_guard.h"
#include "common/subreaper.h"
#include "common/clock.h"
#include "launch_setup.h"
#include "launcher_error_file.h"
#include "log_layout.h"
#include "rendezvous/registry.h"

namespace refrun {
namespace {

int usage_error(const char* what) {
  std::fprintf(stderr, "refrun: error: %s\n", what);
  return 2;
}

// The agent failed before it ran: one line, refrun's own error file (if
// TORCHELASTIC_ERROR_FILE is set, launcher_error_file.h), exit 1.
int agent_failed(const Environment& env, const std::string& what) {
  std::fprintf(stderr, "refrun: error: %s\n", what.c_str());
  auto it = env.find("TORCHELASTIC_ERROR_FILE");
  if (it != env.end())
    write_error_file(it->second,
                     agent_error_record("RuntimeError", what, "refrun: error: " + what + "\n",
                                        static_cast<long>(common::unix_seconds())));
  return 1;
}

// The command line and every check that needs no process: an exit code
// when refrun must stop here (help, version, usage error), nullopt to run.
std::optional<int> parse_and_check(const std::vector<std::string>& args, const Environment& env,
                                   AgentConfig& config, RendezvousParams& params) {
  try {
    ParsedCommandLine parsed = parse_command_line(args, env);
    if (parsed.action != ParsedCommandLine::Action::kRun) {
      std::fputs(parsed.text.c_str(), stdout);
      return 0;
    }
    prepare_launch(parsed.config, env, config, params);
  } catch (const UsageError& e) {
    return usage_error(e.what());
  } catch (const LaunchError& e) {
    return agent_failed(env, e.what());
  }
  return std::nullopt;
}

// Block the handled signals before any child exists; they arrive on a
// signalfd the agent watches. Children unblock them before exec.
int handled_signals_fd(const std::vector<int>& signals) {
  sigset_t handled;
  sigemptyset(&handled);
  for (int s : signals) sigaddset(&handled, s);
  sigprocmask(SIG_BLOCK, &handled, nullptr);
  return signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
}

int run_job(AgentConfig config, const RendezvousParams& params, const Environment& env) {
  common::EventLoop loop;
  // The guard first: after the rendezvous exists, nothing may fail before
  // the agent owns it (it shuts the rendezvous down exactly once).
  common::ProcessGuard guard("refrun-guard");
  guard.start();
  std::unique_ptr<Rendezvous> rdzv;
  try {
    rdzv = create_rendezvous(loop, params);
  } catch (const std::runtime_error& e) {
    return usage_error(e.what());
  }
  bool log_dir_defaulted = config.launch.log_dir.empty();
  std::string log_base;
  try {
    config.run_log_dir = make_run_log_dir(config.launch.log_dir, params.run_id, env);
    log_base = config.run_log_dir.substr(0, config.run_log_dir.rfind('/'));
  } catch (const UsageError& e) {
    rdzv->shutdown();
    return usage_error(e.what());
  }
  if (config.omp_defaulted) std::fputs(kOmpWarning, stderr);
  Agent agent(loop, *rdzv, &guard, std::move(config));
  int code = agent.run();
  guard.goodbye();
  if (log_dir_defaulted) remove_if_no_files(log_base);
  return code;
}

int run(int argc, char** argv) {
  // A closed console must not kill refrun while it still owns workers.
  signal(SIGPIPE, SIG_IGN);
  // An inherited SIG_IGN for SIGCHLD would make the kernel reap workers
  // before refrun could read their exit status.
  signal(SIGCHLD, SIG_DFL);
  Environment env = common::current_environment();
  AgentConfig config;
  RendezvousParams params;
  if (auto done = parse_and_check({argv + 1, argv + argc}, env, config, params)) return *done;

  // Orphans of the workers (a setsid'd daemon) come back to refrun, which
  // kills them when the group stops, instead of going to init.
  config.kill_orphans = common::become_subreaper();
  // Tee'd streams, log files and pidfds need several descriptors per worker;
  // workers get the original limit back.
  config.worker_nofile = common::raise_open_file_limit();
  config.signal_fd = handled_signals_fd(config.launch.signals_to_handle);
  try {
    return run_job(std::move(config), params, env);
  } catch (const std::exception& e) {
    return agent_failed(env, e.what());
  }
}

}  // namespace
}  // namespace refrun

int main(int argc, char** argv) {
  return refrun::run(argc, argv);
}
