// libFuzzer target: refrun's command line and PET_* environment, through
// the option table and the checks that need no process (prepare_launch,
// --rdzv-conf). Every bad value must be a UsageError (one line), nothing
// else may escape, nothing may overflow.
#include <cstdint>
#include <string>
#include <vector>

#include "agent.h"
#include "launch_setup.h"
#include "options.h"
#include "rendezvous/c10d/conf.h"
#include "rendezvous/rendezvous.h"

// Input: NUL-separated arguments; after a "\x01" token, NUL-separated
// KEY=VALUE environment entries.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  refrun::Environment env{{"PATH", "/usr/bin:/bin"}, {"REFRUN_GPU_COUNT", "1"}};
  bool in_env = false;
  std::string token;
  auto flush = [&] {
    if (token == "\x01") {
      in_env = true;
    } else if (in_env) {
      auto eq = token.find('=');
      if (eq != std::string::npos) env[token.substr(0, eq)] = token.substr(eq + 1);
    } else {
      args.push_back(token);
    }
    token.clear();
  };
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0)
      flush();
    else
      token += static_cast<char>(data[i]);
  }
  if (!token.empty()) flush();
  try {
    refrun::ParsedCommandLine parsed = refrun::parse_command_line(args, env);
    if (parsed.action != refrun::ParsedCommandLine::Action::kRun) return 0;
    refrun::AgentConfig config;
    refrun::RendezvousParams params;
    refrun::prepare_launch(parsed.config, env, config, params);
    if (params.backend == "c10d") refrun::parse_c10d_conf(params.conf);
  } catch (const refrun::UsageError&) {
  } catch (const std::runtime_error& e) {
    // parse_c10d_conf's documented error; anything else is a finding.
    if (std::string(e.what()).rfind("invalid --rdzv-conf", 0) != 0) throw;
  }
  return 0;
}
