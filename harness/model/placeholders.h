// Per-run placeholders in scenario strings: {tmp}, {port}, {port:NAME},
// {rdzv_id}, {fixture}, {python_fixture}, {shell_fixture}, {scenario_dir},
// {build}, {cpus} (online CPUs), {env:NAME} (NAME in the agent's environment
// before the node's own changes; empty when unset), {etcd}, {etcd:N},
// {etcd_endpoints} (an etcd service's client endpoints: service_spec.h), {host:NAME} and
// {addr:NAME} (a simulated host's name and address). "{{" and "}}" stand for
// literal braces. They are substituted once per run, before it starts
// (resolved_scenario.h).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "substitution.h"

namespace launchcheck {

class Placeholders : public Substitution {
 public:
  // Allocates free ports lazily, through `port_source` (tests inject one).
  explicit Placeholders(std::map<std::string, std::string> values,
                        std::function<int()> port_source = nullptr);

  // Replaces every placeholder; throws std::runtime_error naming an unknown one.
  std::string resolve(const std::string& text);
  // For regexes, where {3} is a quantifier: replaces only known placeholders
  // and leaves every other brace as it is.
  std::string resolve_regex(const std::string& text);

  int port(const std::string& name);  // "" is {port}
  void set(const std::string& key, const std::string& value);
  const std::map<std::string, int>& ports() const { return ports_; }

  std::string text(const std::string& s) override { return resolve(s); }
  std::optional<std::string> regex_text(const std::string& s) override { return resolve_regex(s); }

 private:
  std::map<std::string, std::string> values_;
  std::function<int()> port_source_;
  std::map<std::string, int> ports_;

  bool lookup(const std::string& key, std::string* out);
};

// Checks placeholder names without resolving them: "" when fine, else why.
std::string check_placeholders(const std::string& text);

}  // namespace launchcheck
