#include "option_prefixes.h"

#include "option_table.h"
#include "options.h"

namespace refrun {

std::vector<KnownOption> known_options() {
  std::vector<KnownOption> known;
  for (const OptionRow& row : option_table()) {
    std::string canonical = long_name(row);
    for (const std::string& n : long_spellings(row)) known.push_back({n, canonical, !row.flag});
    std::string s = short_name(row);
    if (!s.empty()) known.push_back({s, canonical, !row.flag});
  }
  known.push_back({"--help", "--help", false});
  known.push_back({"--version", "--version", false});
  return known;
}

namespace {

// The known option `name` abbreviates; nullptr when none. Throws when it
// could be several.
const KnownOption* match(const std::string& name, const std::vector<KnownOption>& known) {
  const KnownOption* found = nullptr;
  bool ambiguous = false;
  std::string candidates;
  for (const KnownOption& k : known) {
    if (k.name.rfind("--", 0) != 0) continue;
    if (k.name == name) return &k;
    if (k.name.rfind(name, 0) != 0) continue;
    if (found && found->canonical != k.canonical) ambiguous = true;
    if (!found || found->canonical != k.canonical)
      candidates += (candidates.empty() ? "" : ", ") + k.canonical;
    found = &k;
  }
  if (ambiguous) throw UsageError(name + ": ambiguous option (could be " + candidates + ")");
  return found;
}

bool short_takes_value(const std::string& a, const std::vector<KnownOption>& known) {
  for (const KnownOption& k : known)
    if (k.name == a) return k.takes_value;
  return false;
}

// argparse never takes an argument that looks like an option as a value
// (only "-" and negative numbers pass): "--nproc-per-node --no-python" is
// "expected one argument", not a node count of "--no-python".
const std::string& value_after(const std::vector<std::string>& args, size_t i,
                               const std::string& option) {
  const std::string& v = args[i];
  bool negative_number = v.size() > 1 && v[0] == '-' &&
                         v.find_first_not_of("0123456789.", 1) == std::string::npos;
  if (v.size() > 1 && v[0] == '-' && !negative_number)
    throw UsageError(option + ": expected one argument");
  return v;
}

}  // namespace

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
      if (short_takes_value(a, known) && i + 1 < args.size())
        out.push_back(value_after(args, ++i, a));
      continue;
    }
    auto eq = a.find('=');
    const KnownOption* m = match(a.substr(0, eq), known);
    if (!m) {
      out.push_back(a);  // unknown: CLI11 and the check after it report it
      continue;
    }
    out.push_back(eq == std::string::npos ? m->name : m->name + a.substr(eq));
    if (m->takes_value && eq == std::string::npos && i + 1 < args.size())
      out.push_back(value_after(args, ++i, m->canonical));
  }
  out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
  return out;
}

}  // namespace refrun
