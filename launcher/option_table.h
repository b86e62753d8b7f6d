// Every option refrun accepts, one row each: its spellings, the PET_
// variable that supplies it when the command line does not, its default, its
// help, and the function that parses, validates and stores it. A new
// option is a row in option_table.cpp (and a LaunchConfig member).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "options.h"

namespace refrun {

struct OptionRow {
  // CLI11 spellings: short first if any, then the dash and the underscore
  // long forms ("-r,--redirects", "--nproc-per-node,--nproc_per_node").
  const char* names;
  const char* pet;  // "PET_NPROC_PER_NODE"; nullptr: no variable (as upstream)
  bool flag;        // takes no value
  // Parsed like a given value when neither the command line nor PET_ gives
  // one; nullptr: no default (LaunchConfig's empty member stands). Shown in
  // --help as " (default X)".
  const char* default_value;
  const char* help;
  // Parses `value` into `config`; throws UsageError naming `option` (the
  // dash long name) and `value`. A flag gets "1" from the command line, or
  // the PET_ text (see flag_value()).
  std::function<void(LaunchConfig& config, const std::string& option, const std::string& value)>
      apply;
};

// In --help order; values are also checked in this order, so the first bad
// one is the one reported.
const std::vector<OptionRow>& option_table();

// The first "--" spelling: "--nproc-per-node".
std::string long_name(const OptionRow& row);
// Every "--" spelling of the row.
std::vector<std::string> long_spellings(const OptionRow& row);
// The short spelling ("-r"), or "".
std::string short_name(const OptionRow& row);

}  // namespace refrun
