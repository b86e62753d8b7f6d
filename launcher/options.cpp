#include "options.h"

#include <CLI/CLI.hpp>
#include <map>
#include <optional>

#include "common/text.h"
#include "option_prefixes.h"
#include "option_table.h"

namespace refrun {

namespace {

// CLI11 reads "--opt=" (empty value) as "take the next argument"; argparse
// gives an empty value. A sentinel keeps the argparse meaning.
const std::string kEmpty = "\x01refrun-empty\x01";

// The CLI11 app built from option_table(); values are taken as text and
// validated by the rows, so every error has the same one-line form naming
// the option and the value.
struct CommandLine {
  CLI::App app{
      "refrun: a torchrun-compatible launcher for one node.\n"
      "Usage: refrun [options] training_script [script args...]",
      "refrun"};
  std::map<std::string, std::string> values;  // by long name
  std::map<std::string, bool> flags;

  CommandLine() {
    // Everything from the first positional on belongs to the script.
    app.prefix_command();
    app.set_version_flag("--version", std::string("refrun ") + REFRUN_VERSION);
    for (const OptionRow& row : option_table()) {
      std::string name = long_name(row);
      std::string help = row.help;
      if (row.default_value) help += std::string(" (default ") + row.default_value + ")";
      if (row.flag) {
        app.add_flag(row.names, flags[name], help);
      } else {
        // argparse keeps the last of repeated options; so does refrun.
        app.add_option(row.names, values[name], help)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      }
    }
  }

  bool on_command_line(const std::string& name) { return app.get_option(name)->count() > 0; }
};

// Runs CLI11 over the expanded arguments. Returns help or version when asked
// for; throws UsageError for what CLI11 rejects.
std::optional<ParsedCommandLine> run_cli11(CommandLine& cl, const std::vector<std::string>& args) {
  std::vector<std::string> expanded = expand_abbreviations(args, known_options());
  std::vector<std::string> reversed;  // CLI11 takes its arguments last first
  for (auto it = expanded.rbegin(); it != expanded.rend(); ++it)
    reversed.push_back(it->size() > 3 && it->rfind("--", 0) == 0 && it->back() == '=' ? *it + kEmpty
                                                                                      : *it);
  ParsedCommandLine out;
  try {
    cl.app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out.action = ParsedCommandLine::Action::kHelp;
    out.text = cl.app.help();
    return out;
  } catch (const CLI::CallForVersion&) {
    out.action = ParsedCommandLine::Action::kVersion;
    out.text = std::string("refrun ") + REFRUN_VERSION + "\n";
    return out;
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    for (auto& ch : msg)
      if (ch == '\n') ch = ' ';
    throw UsageError(common::trim(msg));
  }
  for (auto& [name, v] : cl.values)
    if (v == kEmpty) v.clear();
  return std::nullopt;
}

// Every row, in table order: the command line wins, else PET_* (read from
// `env`, not getenv, so tests control it), else the row's default.
void apply_rows(CommandLine& cl, const Environment& env, LaunchConfig& c) {
  for (const OptionRow& row : option_table()) {
    std::string name = long_name(row);
    if (cl.on_command_line(name)) {
      row.apply(c, name, row.flag ? "1" : cl.values[name]);
    } else if (auto it = row.pet ? env.find(row.pet) : env.end(); it != env.end()) {
      row.apply(c, name, it->second);
    } else if (row.default_value) {
      row.apply(c, name, row.default_value);
    }
  }
  if (c.no_python && c.module && !c.run_path)
    throw UsageError("--no-python --module: don't use both at the same time");
}

// What CLI11 left: the script and its arguments, untouched.
void take_script(CommandLine& cl, LaunchConfig& c) {
  std::vector<std::string> rest = cl.app.remaining();
  for (auto& r : rest)
    if (r.size() > kEmpty.size() && r.ends_with(kEmpty)) r.resize(r.size() - kEmpty.size());
  if (!rest.empty() && rest.front() == "--") rest.erase(rest.begin());
  if (rest.empty())
    throw UsageError(
        "training_script: missing (usage: refrun [options] training_script [args...])");
  if (rest.front().size() > 1 && rest.front()[0] == '-')
    throw UsageError(rest.front() + ": unrecognized option");
  c.script = rest.front();
  c.script_args.assign(rest.begin() + 1, rest.end());
}

}  // namespace

ParsedCommandLine parse_command_line(const std::vector<std::string>& args, const Environment& env) {
  CommandLine cl;
  if (auto early = run_cli11(cl, args)) return *early;
  ParsedCommandLine out;
  apply_rows(cl, env, out.config);
  take_script(cl, out.config);
  return out;
}

}  // namespace refrun
