#include "options.h"

#include <gtest/gtest.h>

#include <csignal>

#include "option_values.h"

namespace refrun {

namespace {

LaunchConfig parse(std::vector<std::string> args, const Environment& env = {}) {
  return parse_command_line(args, env).config;
}

std::string usage_error(std::vector<std::string> args, const Environment& env = {}) {
  try {
    parse_command_line(args, env);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST(Options, Defaults) {
  LaunchConfig c = parse({"train.py"});
  EXPECT_EQ(c.min_nodes, 1);
  EXPECT_EQ(c.max_nodes, 1);
  EXPECT_EQ(c.nproc_per_node, "1");
  EXPECT_EQ(c.rdzv_backend, "static");
  EXPECT_EQ(c.rdzv_id, "none");
  EXPECT_EQ(c.max_restarts, 0);
  EXPECT_EQ(c.role, "default");
  EXPECT_EQ(c.master_addr, "127.0.0.1");
  EXPECT_EQ(c.master_port, 29500);
  EXPECT_EQ(c.logs_specs, "default");
  EXPECT_EQ(c.stop_timeout, std::nullopt);  // resolved by prepare_launch
  EXPECT_EQ(c.event_log_handler, "null");
  EXPECT_TRUE(c.numa_binding.empty());
  EXPECT_TRUE(c.duplicate_stdout_filters.empty() && c.duplicate_stderr_filters.empty());
  EXPECT_EQ(c.signals_to_handle, (std::vector<int>{SIGTERM, SIGINT, SIGHUP, SIGQUIT}));
  EXPECT_FALSE(c.no_python || c.module || c.run_path || c.standalone || c.virtual_local_rank);
  EXPECT_EQ(c.script, "train.py");
  EXPECT_TRUE(c.script_args.empty());
}

TEST(Options, DashAndUnderscoreSpellingsWithEqualsOrSpace) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--nproc-per-node=4", "--max-restarts=2", "s"},
           {"--nproc_per_node=4", "--max_restarts=2", "s"},
           {"--nproc-per-node", "4", "--max_restarts", "2", "s"},
           {"--nproc_per_node", "4", "--max-restarts", "2", "s"}}) {
    LaunchConfig c = parse(args);
    EXPECT_EQ(c.nproc_per_node, "4");
    EXPECT_EQ(c.max_restarts, 2);
  }
}

TEST(Options, EverythingAfterTheScriptIsUntouched) {
  LaunchConfig c =
      parse({"--no-python", "run.sh", "--nproc-per-node=9", "-m", "--", "x${local_rank}"});
  EXPECT_TRUE(c.no_python);
  EXPECT_EQ(c.nproc_per_node, "1");
  EXPECT_EQ(c.script, "run.sh");
  EXPECT_EQ(c.script_args,
            (std::vector<std::string>{"--nproc-per-node=9", "-m", "--", "x${local_rank}"}));
}

TEST(Options, DoubleDashBeforeTheScript) {
  LaunchConfig c = parse({"--", "s.py", "a"});
  EXPECT_EQ(c.script, "s.py");
  EXPECT_EQ(c.script_args, std::vector<std::string>{"a"});
}

TEST(Options, AllOptionsParse) {
  LaunchConfig c = parse({"--nnodes=1:2",
                          "--rdzv-backend=c10d",
                          "--rdzv-endpoint=host:1234",
                          "--rdzv-id=j",
                          "--rdzv-conf='join_timeout=5,last_call_timeout=1'",
                          "--standalone",
                          "--monitor-interval=0.5",
                          "--start-method=fork",
                          "--role=trainer",
                          "-m",
                          "--run-path",
                          "--log-dir=/tmp/x",
                          "-r",
                          "3",
                          "-t",
                          "0:1,1:2",
                          "--local-ranks-filter=0,2",
                          "--node-rank=1",
                          "--master-addr=h",
                          "--master-port=1",
                          "--local-addr=10.0.0.1",
                          "--logs-specs=default",
                          "--signals-to-handle=TERM,SIGUSR1",
                          "--virtual-local-rank",
                          "--stop-timeout=0.5",
                          "--event-log-handler=console",
                          "--numa-binding=socket",
                          "--duplicate-stdout-filters=a,,b,c",
                          "--duplicate_stderr_filters=",
                          "mod"});
  EXPECT_EQ(c.min_nodes, 1);
  EXPECT_EQ(c.max_nodes, 2);
  EXPECT_EQ(c.rdzv_backend, "c10d");
  EXPECT_EQ(c.rdzv_endpoint, "host:1234");
  EXPECT_EQ(c.rdzv_id, "j");
  EXPECT_EQ(c.rdzv_conf.at("join_timeout"), "5");
  EXPECT_EQ(c.rdzv_conf.at("last_call_timeout"), "1");
  EXPECT_TRUE(c.standalone && c.module && c.run_path && c.virtual_local_rank);
  EXPECT_EQ(c.monitor_interval, 0.5);
  EXPECT_EQ(c.start_method, "fork");
  EXPECT_EQ(c.role, "trainer");
  EXPECT_EQ(c.log_dir, "/tmp/x");
  EXPECT_EQ(c.redirects.for_rank(5), 3);
  EXPECT_EQ(c.tee.for_rank(0), 1);
  EXPECT_EQ(c.tee.for_rank(1), 2);
  EXPECT_EQ(c.tee.for_rank(2), 0);
  EXPECT_EQ(c.local_ranks_filter, (std::set<int>{0, 2}));
  EXPECT_EQ(c.node_rank, 1);
  EXPECT_EQ(c.master_addr, "h");
  EXPECT_EQ(c.master_port, 1);
  EXPECT_EQ(c.local_addr, "10.0.0.1");
  EXPECT_EQ(c.signals_to_handle, (std::vector<int>{SIGTERM, SIGUSR1}));
  EXPECT_EQ(c.stop_timeout, 0.5);
  EXPECT_EQ(c.event_log_handler, "console");
  EXPECT_EQ(c.numa_binding, "socket");
  EXPECT_EQ(c.duplicate_stdout_filters, (std::vector<std::string>{"a,b", "c"}));
  EXPECT_EQ(c.duplicate_stderr_filters, std::vector<std::string>{""});  // matches every line
}

TEST(Options, ShutdownTimeoutIsUpstreamsNameForTheGrace) {
  EXPECT_EQ(parse({"--shutdown-timeout=7", "s"}).stop_timeout, 7.0);
  EXPECT_EQ(parse({"s"}, {{"PET_SHUTDOWN_TIMEOUT", "9"}}).stop_timeout, 9.0);
  EXPECT_EQ(parse({"--stop-timeout=1", "--shutdown_timeout=2", "s"}).stop_timeout, 2.0);
  // An int upstream (type=int), non-negative.
  EXPECT_NE(usage_error({"--shutdown-timeout=1.5", "s"}).find("--shutdown-timeout 1.5"),
            std::string::npos);
  EXPECT_NE(usage_error({"--shutdown-timeout=-1", "s"}).find("must not be negative"),
            std::string::npos);
}

TEST(Options, NumaBindingHasNoPetVariable) {
  EXPECT_TRUE(parse({"s"}, {{"PET_NUMA_BINDING", "node"}}).numa_binding.empty());
}

TEST(Options, CommaSeparatedListAsUpstream) {
  using V = std::vector<std::string>;
  EXPECT_EQ(comma_separated_list("apple,orange"), (V{"apple", "orange"}));
  EXPECT_EQ(comma_separated_list("a,,b"), V{"a,b"});
  EXPECT_EQ(comma_separated_list("a,,,b"), (V{"a,", "b"}));
  EXPECT_EQ(comma_separated_list(",,,"), (V{",", ""}));
  EXPECT_EQ(comma_separated_list("x,"), (V{"x", ""}));
  EXPECT_EQ(comma_separated_list(""), V{""});
}

TEST(Options, PetEnvironmentFallback) {
  Environment env{{"PET_NPROC_PER_NODE", "3"}, {"PET_NO_PYTHON", "1"},      {"PET_NNODES", "2"},
                  {"PET_MAX_RESTARTS", "4"},   {"PET_STOP_TIMEOUT", "2"},   {"PET_STANDALONE", "1"},
                  {"PET_RDZV_ID", "envjob"},   {"PET_MASTER_PORT", "1234"}, {"PET_TEE", "3"}};
  LaunchConfig c = parse({"s.sh"}, env);
  EXPECT_EQ(c.nproc_per_node, "3");
  EXPECT_TRUE(c.no_python);
  EXPECT_TRUE(c.standalone);
  EXPECT_EQ(c.max_nodes, 2);
  EXPECT_EQ(c.max_restarts, 4);
  EXPECT_EQ(c.stop_timeout, 2.0);
  EXPECT_EQ(c.rdzv_id, "envjob");
  EXPECT_EQ(c.master_port, 1234);
  EXPECT_EQ(c.tee.for_rank(0), 3);
}

TEST(Options, CommandLineWinsOverEnvironment) {
  Environment env{{"PET_NPROC_PER_NODE", "3"}, {"PET_MAX_RESTARTS", "oops"}};
  LaunchConfig c = parse({"--nproc-per-node=2", "--max-restarts=1", "s"}, env);
  EXPECT_EQ(c.nproc_per_node, "2");
  EXPECT_EQ(c.max_restarts, 1);
}

TEST(Options, PetFlagValuesZeroMeansOff) {
  EXPECT_FALSE(parse({"s"}, {{"PET_NO_PYTHON", "0"}}).no_python);
  EXPECT_TRUE(parse({"s"}, {{"PET_MODULE", "1"}}).module);
}

TEST(Options, PetModuleWithPetNoPythonIsAnError) {
  EXPECT_NE(usage_error({"s"}, {{"PET_MODULE", "1"}, {"PET_NO_PYTHON", "1"}}).find("--no-python"),
            std::string::npos);
}

TEST(Options, NnodesParsing) {
  EXPECT_EQ(parse_nnodes("1"), std::make_pair(1, 1));
  EXPECT_EQ(parse_nnodes("2:20"), std::make_pair(2, 20));
  for (const char* bad : {"2:20:30", "0", "3:2", "a", "", "1:", "-1"})
    EXPECT_THROW(parse_nnodes(bad), UsageError) << bad;
}

TEST(Options, BadValuesNameTheOptionAndTheValue) {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  for (const Case& k : std::vector<Case>{
           {{"--nnodes=2:20:30", "s"}, "--nnodes 2:20:30: "},
           {{"--nnodes=0", "s"}, "--nnodes 0: "},
           {{"--nnodes=3:2", "s"}, "--nnodes 3:2: "},
           {{"--nnodes=a", "s"}, "--nnodes a: "},
           {{"--max-restarts=-1", "s"}, "--max-restarts -1: must not be negative"},
           {{"--max-restarts=x", "s"}, "--max-restarts x: not an integer"},
           {{"--signals-to-handle=SIGTERM,SIGFOO", "s"}, "--signals-to-handle SIGTERM,SIGFOO: "},
           {{"--signals-to-handle=SIGKILL", "s"}, "--signals-to-handle SIGKILL: "},
           {{"--no-python", "--module", "s"}, "--no-python --module"},
           {{"--logs-specs=custom", "s"}, "--logs-specs custom: unknown"},
           {{"--tee=4", "s"}, "--tee 4: "},
           {{"--redirects=0:9", "s"}, "--redirects 0:9: "},
           {{"--local-ranks-filter=a", "s"}, "--local-ranks-filter a: "},
           {{"--master-port=70000", "s"}, "--master-port 70000: "},
           {{"--monitor-interval=0", "s"}, "--monitor-interval 0: "},
           {{"--start-method=thread", "s"}, "--start-method thread: "},
           {{"--stop-timeout=-2", "s"}, "--stop-timeout -2: "},
           {{"--tee=01", "s"}, "--tee 01: "},
           {{"--tee= 1", "s"}, "--tee  1: "},
           {{"--tee=10:1", "s"}, "--tee 10:1: "},
           {{"--redirects=+1", "s"}, "--redirects +1: "},
           {{"--event-log-handler=file", "s"}, "--event-log-handler file: invalid choice"},
           {{"--numa-binding=all", "s"}, "--numa-binding all: invalid choice"},
           {{"--nproc-per-node", "--no-python", "s"}, "--nproc-per-node: expected one argument"},
           {{"-r", "--tee=1", "s"}, "-r: expected one argument"},
           {{"--nproc-per-node=", "s"}, "Unsupported nproc_per_node value"},
           {{"--bogus", "s"}, "--bogus: unrecognized option"},
           {{"--nproc-per-node"}, "--nproc-per-node"},
           {{}, "training_script: missing"},
       }) {
    std::string err = usage_error(k.args);
    EXPECT_NE(err.find(k.expect), std::string::npos) << "got: " << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
}

TEST(Options, BadEnvironmentValuesAreUsageErrors) {
  EXPECT_NE(usage_error({"s"}, {{"PET_NNODES", "2:20:30"}}).find("--nnodes 2:20:30"),
            std::string::npos);
}

TEST(Options, HelpAndVersion) {
  auto help = parse_command_line({"--help"}, {});
  EXPECT_EQ(help.action, ParsedCommandLine::Action::kHelp);
  EXPECT_NE(help.text.find("--nproc-per-node"), std::string::npos);
  EXPECT_NE(help.text.find("--stop-timeout"), std::string::npos);
  auto version = parse_command_line({"--version"}, {});
  EXPECT_EQ(version.action, ParsedCommandLine::Action::kVersion);
  EXPECT_EQ(version.text.rfind("refrun ", 0), 0u);
}

TEST(Options, RdzvConfStripsQuotes) {
  auto conf = parse_rdzv_conf("'join_timeout=5,timeout=\"7\"'");
  EXPECT_EQ(conf.at("join_timeout"), "5");
  EXPECT_EQ(conf.at("timeout"), "7");
  EXPECT_TRUE(parse_rdzv_conf("").empty());
  EXPECT_THROW(parse_rdzv_conf("novalue"), UsageError);
}

TEST(Options, ShortFlagsAndAttachedValues) {
  LaunchConfig c = parse({"-m", "-r3", "-t", "1", "pkg.mod"});
  EXPECT_TRUE(c.module);
  EXPECT_EQ(c.redirects.for_rank(0), 3);
  EXPECT_EQ(c.tee.for_rank(0), 1);
  EXPECT_EQ(c.script, "pkg.mod");
}

TEST(Options, RepeatedOptionKeepsTheLast) {
  LaunchConfig c =
      parse({"--nproc-per-node=2", "--nproc_per_node", "3", "--no-python", "--no-python", "s"});
  EXPECT_EQ(c.nproc_per_node, "3");
  EXPECT_TRUE(c.no_python);
}

TEST(Options, UnambiguousPrefixesAsArgparse) {
  LaunchConfig c = parse({"--redirect=3", "--nproc_per", "2", "--no-py", "s", "--redirect=1"});
  EXPECT_EQ(c.redirects.for_rank(0), 3);
  EXPECT_EQ(c.nproc_per_node, "2");
  EXPECT_TRUE(c.no_python);
  EXPECT_EQ(c.script_args, std::vector<std::string>{"--redirect=1"});  // the script's own
  EXPECT_NE(usage_error({"--rdzv=x", "s"}).find("--rdzv: ambiguous option"), std::string::npos);
  EXPECT_NE(usage_error({"--ma=x", "s"}).find("ambiguous"), std::string::npos);
}

TEST(Options, SignalListRejectsUnknownAndUncatchable) {
  EXPECT_EQ(parse_signal_list("SIGTERM,INT"), (std::vector<int>{SIGTERM, SIGINT}));
  EXPECT_EQ(parse_signal_list(" SIGUSR2 "), std::vector<int>{SIGUSR2});
  EXPECT_THROW(parse_signal_list("SIGTERM,BOGUS"), std::invalid_argument);
  EXPECT_THROW(parse_signal_list("SIGKILL"), std::invalid_argument);
  EXPECT_THROW(parse_signal_list(""), std::invalid_argument);
}

}  // namespace refrun
