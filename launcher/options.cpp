#include "options.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <csignal>

#include "common/signal_names.h"
#include "common/text.h"

namespace refrun {

namespace {

[[noreturn]] void bad(const std::string& option, const std::string& value, const std::string& why) {
  throw UsageError(option + " " + value + ": " + why);
}

// "--nproc-per-node" -> "PET_NPROC_PER_NODE", as torchrun's env action does.
std::string pet_name(const std::string& long_name) {
  std::string out = "PET_";
  for (char c : long_name.substr(2)) out += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

int non_negative_int(const std::string& option, const std::string& value) {
  int v = 0;
  if (!common::parse_int(common::trim(value), v)) bad(option, value, "not an integer");
  if (v < 0) bad(option, value, "must not be negative");
  return v;
}

double non_negative_seconds(const std::string& option, const std::string& value) {
  double v = 0;
  if (!common::parse_double(common::trim(value), v)) bad(option, value, "not a number of seconds");
  if (v < 0) bad(option, value, "must not be negative");
  return v;
}

// Flags from PET_* accept what upstream's env action does for store_true:
// any set value other than 0/false counts.
bool env_flag(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  if (it == env.end()) return false;
  std::string v = common::trim(it->second);
  for (auto& c : v) c = static_cast<char>(std::tolower(c));
  return !(v.empty() || v == "0" || v == "false" || v == "no");
}

struct KnownOption {
  std::string name;       // "--nproc_per_node"
  std::string canonical;  // "--nproc-per-node"
  bool takes_value;
};

// argparse accepts any unambiguous prefix of a long option ("--redirect=3"
// for --redirects); CLI11 does not, so prefixes are expanded up front. Only
// refrun's own arguments are looked at: the scan stops at the script.
std::vector<std::string> expand_abbreviations(const std::vector<std::string>& args,
                                              const std::vector<KnownOption>& known) {
  std::vector<std::string> out;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--" || a.size() < 2 || a[0] != '-') break;  // the script starts here
    if (a[1] != '-') {
      out.push_back(a);
      // -r/-t take a value, attached ("-r3") or next.
      if ((a == "-r" || a == "-t") && i + 1 < args.size()) out.push_back(args[++i]);
      continue;
    }
    auto eq = a.find('=');
    std::string name = a.substr(0, eq);
    const KnownOption* match = nullptr;
    bool exact = false, ambiguous = false;
    std::string candidates;
    for (const KnownOption& k : known) {
      if (k.name == name) {
        match = &k;
        exact = true;
        break;
      }
      if (k.name.rfind(name, 0) != 0) continue;
      if (match && match->canonical != k.canonical) ambiguous = true;
      if (!match || match->canonical != k.canonical)
        candidates += (candidates.empty() ? "" : ", ") + k.canonical;
      match = &k;
    }
    if (!exact && ambiguous)
      throw UsageError(name + ": ambiguous option (could be " + candidates + ")");
    if (!match) {
      out.push_back(a);  // unknown: CLI11 and the check after it report it
      continue;
    }
    out.push_back(eq == std::string::npos ? match->name : match->name + a.substr(eq));
    if (match->takes_value && eq == std::string::npos && i + 1 < args.size())
      out.push_back(args[++i]);
  }
  out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
  return out;
}

}  // namespace

std::pair<int, int> parse_nnodes(const std::string& value) {
  auto parts = common::split(common::trim(value), ':');
  int lo = 0, hi = 0;
  if (parts.size() == 1) {
    if (!common::parse_int(common::trim(parts[0]), lo)) bad("--nnodes", value, "expected N or MIN:MAX");
    hi = lo;
  } else if (parts.size() == 2) {
    if (!common::parse_int(common::trim(parts[0]), lo) || !common::parse_int(common::trim(parts[1]), hi))
      bad("--nnodes", value, "expected N or MIN:MAX");
  } else {
    bad("--nnodes", value, "expected N or MIN:MAX");
  }
  if (lo < 1) bad("--nnodes", value, "the node count must be at least 1");
  if (lo > hi) bad("--nnodes", value, "MIN must not exceed MAX");
  return {lo, hi};
}

static std::string strip_quotes(std::string v) {
  v = common::trim(v);
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return v;
}

std::map<std::string, std::string> parse_rdzv_conf(const std::string& value) {
  std::map<std::string, std::string> conf;
  std::string v = strip_quotes(value);
  if (v.empty()) return conf;
  for (const std::string& item : common::split(v, ',')) {
    auto eq = item.find('=');
    if (eq == std::string::npos || common::trim(item.substr(0, eq)).empty())
      bad("--rdzv-conf", value, "expected key=value pairs separated by commas");
    conf[common::trim(item.substr(0, eq))] = strip_quotes(item.substr(eq + 1));
  }
  return conf;
}

std::vector<int> parse_signal_list(const std::string& value) {
  std::vector<int> out;
  for (const std::string& item : common::split(value, ',')) {
    auto signo = common::signal_from_name(item);
    // SIGKILL and SIGSTOP cannot be caught; asking for them is a mistake.
    if (!signo || *signo == SIGKILL || *signo == SIGSTOP)
      throw std::invalid_argument("unknown or uncatchable signal '" + common::trim(item) + "'");
    out.push_back(*signo);
  }
  return out;
}

ParsedCommandLine parse_command_line(const std::vector<std::string>& args, const Environment& env) {
  ParsedCommandLine out;
  LaunchConfig& c = out.config;

  CLI::App app{
      "refrun: a torchrun-compatible launcher for one node.\n"
      "Usage: refrun [options] training_script [script args...]",
      "refrun"};
  // Everything from the first positional on belongs to the script.
  app.prefix_command();
  app.set_version_flag("--version", std::string("refrun ") + REFRUN_VERSION);

  // Values are taken as text and validated below, so every error has the same
  // one-line form naming the option and the value.
  std::map<std::string, std::string> values;
  std::map<std::string, bool> flags;
  auto long_name_of = [](const std::string& names) {
    auto b = names.find("--");
    return names.substr(b, names.find(',', b) - b);
  };
  std::vector<KnownOption> known;
  auto remember = [&](const std::string& names, bool takes_value) {
    for (const std::string& n : common::split(names, ','))
      if (n.rfind("--", 0) == 0) known.push_back({n, long_name_of(names), takes_value});
  };
  auto opt = [&](const std::string& names, const std::string& help) {
    remember(names, true);
    // argparse keeps the last of repeated options; so does refrun.
    app.add_option(names, values[long_name_of(names)], help)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  };
  auto flag = [&](const std::string& names, const std::string& help) {
    remember(names, false);
    app.add_flag(names, flags[long_name_of(names)], help);
  };

  opt("--nnodes", "Number of nodes, N or MIN:MAX (default 1:1)");
  opt("--nproc-per-node,--nproc_per_node",
      "Workers per node: N, cpu, gpu, xpu or auto (default 1)");
  opt("--rdzv-backend,--rdzv_backend", "Rendezvous backend (default static)");
  opt("--rdzv-endpoint,--rdzv_endpoint", "Rendezvous endpoint host[:port]");
  opt("--rdzv-id,--rdzv_id", "Job id (default none)");
  opt("--rdzv-conf,--rdzv_conf", "Rendezvous configuration k=v,k=v");
  flag("--standalone", "Single node: localhost, a free port, a random run id");
  opt("--max-restarts,--max_restarts", "Worker group restarts before failing (default 0)");
  opt("--monitor-interval,--monitor_interval",
      "Accepted for compatibility; unused, refrun is event-driven");
  opt("--start-method,--start_method", "spawn, fork or forkserver (no effect on scripts)");
  opt("--role", "Worker role name (default default)");
  flag("-m,--module", "Run the script as python -m MODULE");
  flag("--no-python,--no_python", "Exec the script directly, no interpreter");
  flag("--run-path,--run_path", "Run the script with runpy.run_path");
  opt("--log-dir,--log_dir", "Base directory for logs and error files (default a temp dir)");
  opt("-r,--redirects", "Redirect streams to files: 0-3 or LR:BITS,... (default 0)");
  opt("-t,--tee", "Redirect and copy to the console: 0-3 or LR:BITS,... (default 0)");
  opt("--local-ranks-filter,--local_ranks_filter", "Local ranks whose output reaches the console");
  opt("--node-rank,--node_rank", "Static rendezvous: this node's rank (default 0)");
  opt("--master-addr,--master_addr", "Static rendezvous: rank 0's address (default 127.0.0.1)");
  opt("--master-port,--master_port", "Static rendezvous: rank 0's port (default 29500)");
  opt("--local-addr,--local_addr", "Address this node advertises");
  opt("--logs-specs,--logs_specs", "Logs specs plugin (only 'default')");
  opt("--signals-to-handle,--signals_to_handle",
      "Signals forwarded to workers (default SIGTERM,SIGINT,SIGHUP,SIGQUIT)");
  flag("--virtual-local-rank,--virtual_local_rank",
       "Every worker sees LOCAL_RANK=0 and only its own CUDA device");
  opt("--stop-timeout,--stop_timeout",
      "refrun only: seconds between SIGTERM and SIGKILL when stopping workers (default 30)");

  // CLI11 reads "--opt=" (empty value) as "take the next argument"; argparse
  // gives an empty value. A sentinel keeps the argparse meaning.
  static const std::string kEmpty = "\x01refrun-empty\x01";
  known.push_back({"--help", "--help", false});
  known.push_back({"--version", "--version", false});
  std::vector<std::string> expanded = expand_abbreviations(args, known);
  std::vector<std::string> reversed;
  for (auto it = expanded.rbegin(); it != expanded.rend(); ++it)
    reversed.push_back(it->size() > 3 && it->rfind("--", 0) == 0 && it->back() == '=' ? *it + kEmpty
                                                                                      : *it);
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out.action = ParsedCommandLine::Action::kHelp;
    out.text = app.help();
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

  for (auto& [name, v] : values)
    if (v == kEmpty) v.clear();

  // The command line wins, else PET_* (read from `env`, not getenv, so
  // tests control it).
  for (auto& [name, set] : flags)
    if (app.get_option(name)->count() == 0) set = env_flag(env, pet_name(name));
  c.standalone = flags["--standalone"];
  c.module = flags["--module"];
  c.no_python = flags["--no-python"];
  c.run_path = flags["--run-path"];
  c.virtual_local_rank = flags["--virtual-local-rank"];

  auto given = [&](const std::string& name) -> const std::string* {
    std::string& v = values[name];
    if (app.get_option(name)->count() > 0) return &v;
    auto it = env.find(pet_name(name));
    if (it == env.end()) return nullptr;
    v = it->second;
    return &v;
  };

  if (auto v = given("--nnodes")) std::tie(c.min_nodes, c.max_nodes) = parse_nnodes(*v);
  if (auto v = given("--nproc-per-node")) {
    c.nproc_per_node = common::trim(*v);
    if (c.nproc_per_node.empty()) bad("--nproc-per-node", *v, "Unsupported nproc_per_node value");
  }
  if (auto v = given("--rdzv-backend")) c.rdzv_backend = common::trim(*v);
  if (auto v = given("--rdzv-endpoint")) c.rdzv_endpoint = common::trim(*v);
  if (auto v = given("--rdzv-id")) c.rdzv_id = common::trim(*v);
  if (auto v = given("--rdzv-conf")) c.rdzv_conf = parse_rdzv_conf(*v);
  if (auto v = given("--max-restarts")) c.max_restarts = non_negative_int("--max-restarts", *v);
  if (auto v = given("--monitor-interval")) {
    c.monitor_interval = non_negative_seconds("--monitor-interval", *v);
    if (c.monitor_interval == 0) bad("--monitor-interval", *v, "must be positive");
  }
  if (auto v = given("--start-method")) {
    c.start_method = common::trim(*v);
    if (c.start_method != "spawn" && c.start_method != "fork" && c.start_method != "forkserver")
      bad("--start-method", *v, "expected spawn, fork or forkserver");
  }
  if (auto v = given("--role")) {
    c.role = common::trim(*v);
    if (c.role.empty()) bad("--role", *v, "must not be empty");
  }
  if (auto v = given("--log-dir")) c.log_dir = *v;
  for (const char* name : {"--redirects", "--tee"}) {
    if (auto v = given(name)) {
      try {
        (std::string(name) == "--tee" ? c.tee : c.redirects) = parse_std_spec(*v);
      } catch (const std::invalid_argument& e) {
        bad(name, *v, e.what());
      }
    }
  }
  if (auto v = given("--local-ranks-filter")) {
    for (const std::string& item : common::split(*v, ',')) {
      int r = 0;
      if (!common::parse_int(common::trim(item), r) || r < 0)
        bad("--local-ranks-filter", *v,
            "expected a comma-separated list of local ranks, e.g. 0,1,2");
      c.local_ranks_filter.insert(r);
    }
  }
  if (auto v = given("--node-rank")) c.node_rank = non_negative_int("--node-rank", *v);
  if (auto v = given("--master-addr")) {
    c.master_addr = common::trim(*v);
    if (c.master_addr.empty()) bad("--master-addr", *v, "must not be empty");
  }
  if (auto v = given("--master-port")) {
    c.master_port = non_negative_int("--master-port", *v);
    if (c.master_port > 65535) bad("--master-port", *v, "not a TCP port (0-65535)");
  }
  if (auto v = given("--local-addr")) c.local_addr = common::trim(*v);
  if (auto v = given("--logs-specs")) {
    c.logs_specs = common::trim(*v);
    if (c.logs_specs != "default")
      bad("--logs-specs", *v, "unknown logs specs (refrun knows only 'default')");
  }
  c.signals_to_handle = parse_signal_list("SIGTERM,SIGINT,SIGHUP,SIGQUIT");
  if (auto v = given("--signals-to-handle")) {
    try {
      c.signals_to_handle = parse_signal_list(*v);
    } catch (const std::invalid_argument& e) {
      bad("--signals-to-handle", *v, e.what());
    }
  }
  if (auto v = given("--stop-timeout")) c.stop_timeout = non_negative_seconds("--stop-timeout", *v);

  if (c.no_python && c.module && !c.run_path)
    throw UsageError("--no-python --module: don't use both at the same time");

  std::vector<std::string> rest = app.remaining();
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
  return out;
}

}  // namespace refrun
