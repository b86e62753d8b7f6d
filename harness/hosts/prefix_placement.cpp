#include "prefix_placement.h"

#include <stdexcept>

#include "common/environment.h"
#include "common/exit_status.h"
#include "common/spawn.h"
#include "common/text.h"
#include "profile.h"

namespace launchcheck {

std::string PrefixPlacement::not_supported(const std::string& fault) {
  return fault + " is not supported by a command-prefix placement";
}

const PlacedHost& PrefixPlacement::real(const std::string& host) const {
  auto it = c_.hosts.find(host);
  if (it == c_.hosts.end()) throw std::invalid_argument("no host \"" + host + "\" is configured");
  return it->second;
}

std::vector<PlacedHost> PrefixPlacement::hosts() const {
  std::vector<PlacedHost> out;
  for (auto& [name, h] : c_.hosts) out.push_back({h.name, h.addr});
  return out;
}

void PrefixPlacement::place(const std::string& host, common::SpawnOptions& spawn) const {
  const PlacedHost& h = real(host);
  std::string line;
  if (!spawn.cwd.empty()) line = "cd " + common::shell_quote(spawn.cwd) + " && ";
  line += "exec env -i " + common::shell_quote("LAUNCHCHECK_RUN_TAG=" + c_.tag);
  auto env = spawn.env ? *spawn.env : common::to_envp(common::current_environment());
  for (auto& e : env) line += " " + common::shell_quote(e);
  line += " " + common::shell_quote(spawn.program);
  for (size_t i = 1; i < spawn.argv.size(); ++i) line += " " + common::shell_quote(spawn.argv[i]);
  std::vector<std::string> argv;
  for (auto& w : c_.prefix) argv.push_back(common::replace_all(w, "{host}", h.name));
  argv.push_back(line);
  spawn.program = find_executable(argv[0]);
  if (spawn.program.empty()) spawn.program = argv[0];
  spawn.argv = argv;
  spawn.env.reset();  // the prefix itself runs with the runner's environment
  spawn.cwd.clear();
}

std::string PrefixPlacement::kill_host(const std::string& host) {
  if (c_.kill_host.empty()) return not_supported("kill_host");
  std::vector<std::string> argv;
  try {
    for (auto& w : c_.kill_host)
      argv.push_back(common::replace_all(common::replace_all(w, "{host}", real(host).name), "{tag}", c_.tag));
    common::SpawnOptions o;
    o.program = find_executable(argv[0]);
    if (o.program.empty()) return "cannot find " + argv[0];
    o.argv = argv;
    auto status = common::spawn(o).wait();
    if (!status.success()) return "kill_host command " + argv[0] + " ended " + status.describe();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace launchcheck
