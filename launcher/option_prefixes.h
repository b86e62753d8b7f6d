// argparse accepts any unambiguous prefix of a long option ("--redirect=3"
// for --redirects); CLI11 does not, so refrun expands prefixes before CLI11
// sees the command line.
#pragma once

#include <string>
#include <vector>

namespace refrun {

struct KnownOption {
  std::string name;       // a spelling: "--nproc_per_node", "-r"
  std::string canonical;  // the row's dash long name: "--nproc-per-node"
  bool takes_value;
};

// Every spelling of option_table(), plus --help and --version.
std::vector<KnownOption> known_options();

// Replaces each unambiguous prefix of a known long option with its full
// spelling. Only refrun's own arguments are looked at: the scan stops at the
// script. Throws UsageError for an ambiguous prefix, naming the candidates.
std::vector<std::string> expand_abbreviations(const std::vector<std::string>& args,
                                              const std::vector<KnownOption>& known);

}  // namespace refrun
