#include "option_values.h"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <stdexcept>

#include "common/signal_names.h"
#include "common/text.h"
#include "options.h"

namespace refrun {

void bad_value(const std::string& option, const std::string& value, const std::string& why) {
  throw UsageError(option + " " + value + ": " + why);
}

std::pair<int, int> parse_nnodes(const std::string& value) {
  auto parts = common::split(common::trim(value), ':');
  int lo = 0, hi = 0;
  if (parts.size() == 1) {
    if (!common::parse_int(common::trim(parts[0]), lo))
      bad_value("--nnodes", value, "expected N or MIN:MAX");
    hi = lo;
  } else if (parts.size() == 2) {
    if (!common::parse_int(common::trim(parts[0]), lo) ||
        !common::parse_int(common::trim(parts[1]), hi))
      bad_value("--nnodes", value, "expected N or MIN:MAX");
  } else {
    bad_value("--nnodes", value, "expected N or MIN:MAX");
  }
  if (lo < 1) bad_value("--nnodes", value, "the node count must be at least 1");
  if (lo > hi) bad_value("--nnodes", value, "MIN must not exceed MAX");
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
      bad_value("--rdzv-conf", value, "expected key=value pairs separated by commas");
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

std::set<int> parse_local_ranks(const std::string& option, const std::string& value) {
  std::set<int> ranks;
  for (const std::string& item : common::split(value, ',')) {
    int r = 0;
    if (!common::parse_int(common::trim(item), r) || r < 0)
      bad_value(option, value, "expected a comma-separated list of local ranks, e.g. 0,1,2");
    ranks.insert(r);
  }
  return ranks;
}

int non_negative_int(const std::string& option, const std::string& value) {
  int v = 0;
  if (!common::parse_int(common::trim(value), v)) bad_value(option, value, "not an integer");
  if (v < 0) bad_value(option, value, "must not be negative");
  return v;
}

double non_negative_seconds(const std::string& option, const std::string& value) {
  double v = 0;
  if (!common::parse_double(common::trim(value), v))
    bad_value(option, value, "not a number of seconds");
  if (v < 0) bad_value(option, value, "must not be negative");
  return v;
}

std::string non_empty(const std::string& option, const std::string& value, const std::string& why) {
  std::string v = common::trim(value);
  if (v.empty()) bad_value(option, value, why);
  return v;
}

std::string one_of(const std::string& option, const std::string& value,
                   const std::vector<std::string>& choices) {
  std::string list;
  for (const std::string& c : choices) {
    if (c == value) return value;
    list += (list.empty() ? "" : ", ") + c;
  }
  bad_value(option, value, "invalid choice (choose from " + list + ")");
}

std::vector<std::string> comma_separated_list(const std::string& value) {
  std::vector<std::string> items(1);
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != ',') {
      items.back() += value[i];
    } else if (i + 1 < value.size() && value[i + 1] == ',') {
      items.back() += ',';
      ++i;
    } else {
      items.emplace_back();
    }
  }
  return items;
}

bool flag_value(const std::string& value) {
  std::string v = common::trim(value);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return !(v.empty() || v == "0" || v == "false" || v == "no");
}

}  // namespace refrun
