// The value parsers of refrun's options, shared by the rows of
// option_table.cpp. Each turns the text of one option into its value or
// throws UsageError("<option> <value>: <why>"), the one line refrun prints
// after "refrun: error: ".
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace refrun {

[[noreturn]] void bad_value(const std::string& option, const std::string& value,
                            const std::string& why);

// "N" or "MIN:MAX" (--nnodes).
std::pair<int, int> parse_nnodes(const std::string& value);
// "k=v,k=v", quotes around the whole value or a value stripped (--rdzv-conf).
std::map<std::string, std::string> parse_rdzv_conf(const std::string& value);
// A comma list of catchable signal names (--signals-to-handle); throws
// std::invalid_argument naming the bad one.
std::vector<int> parse_signal_list(const std::string& value);
// "0,2": local ranks (--local-ranks-filter).
std::set<int> parse_local_ranks(const std::string& option, const std::string& value);

int non_negative_int(const std::string& option, const std::string& value);
double non_negative_seconds(const std::string& option, const std::string& value);
// The trimmed value; an error when that is empty.
std::string non_empty(const std::string& option, const std::string& value, const std::string& why);
// `value` when it is one of `choices` (argparse's choices=); else an error
// listing them.
std::string one_of(const std::string& option, const std::string& value,
                   const std::vector<std::string>& choices);
// Upstream's comma_separated_list: split at ",", where ",," is a literal
// comma; "" is one empty filter (which every line contains).
std::vector<std::string> comma_separated_list(const std::string& value);
// A flag's value from PET_*: any set value other than "", 0, false or no
// counts, as upstream's env action does for store_true.
bool flag_value(const std::string& value);

}  // namespace refrun
