#include "checks.h"

#include <glob.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "signals.h"

std::string describe_exit(const AgentRecord& a) {
  if (!a.exec_error.empty()) return "not started: " + a.exec_error;
  if (!a.started) return "never started";
  if (!a.exited) return "still running";
  if (a.signo) return "killed by " + signal_name(a.signo);
  return "exit code " + std::to_string(a.exit_code);
}

namespace {

std::string join(const std::vector<int>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> glob_paths(const std::string& pattern) {
  glob_t g{};
  std::vector<std::string> out;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
  globfree(&g);
  return out;
}

std::string clip(const std::string& s, size_t n = 300) {
  return s.size() <= n ? s : s.substr(0, n) + "...";
}

// The console text a check looks at: one node or all, one stream or both.
std::string console_text(const RunRecord& run, const std::string& node, const std::string& stream) {
  std::string text;
  for (auto& a : run.agents) {
    if (!node.empty() && a.node != node) continue;
    if (stream != "stderr") text += a.out;
    if (stream != "stdout") text += a.err;
  }
  return text;
}

std::string text_source_name(const TextExpect& t) {
  if (!t.file.empty()) return "files " + t.file;
  return "console" + (t.node.empty() ? std::string() : " of " + t.node) +
         (t.stream == "both" ? std::string() : " (" + t.stream + ")");
}

bool exit_matches(const ExitExpect& e, const AgentRecord& a) {
  if (!a.exited) return false;
  switch (e.kind) {
    case ExitExpect::Kind::kAny:
      return true;
    case ExitExpect::Kind::kCode:
      return a.signo == 0 && a.exit_code == e.code;
    case ExitExpect::Kind::kNonzero:
      return a.signo != 0 || a.exit_code != 0;
    case ExitExpect::Kind::kSignal:
      return a.signo == e.signo;
  }
  return false;
}

size_t count_substr(const std::string& text, const std::string& needle) {
  if (needle.empty()) return 0;
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size()))
    ++n;
  return n;
}

std::vector<const WorkerEvent*> workers_started(const RunRecord& run) {
  std::vector<const WorkerEvent*> out;
  for (auto& e : run.events)
    if (e.ev == "start" && e.role != "grandchild") out.push_back(&e);
  return out;
}

int attempt_of(const WorkerEvent& e) {
  return e.attempt.value_or(0);
}

}  // namespace

namespace {

// Parses "LCLINE <stream> r<rank> <6 digits> <64 x's>" exactly, to the end of
// the line. Hand-written: std::regex costs milliseconds on big consoles.
bool parse_lcline(const std::string& s, std::string* stream, int* rank, int* seq) {
  size_t i = 7;  // after "LCLINE "
  if (s.compare(0, 7, "LCLINE ") != 0) return false;
  size_t sp = s.find(' ', i);
  if (sp == std::string::npos) return false;
  *stream = s.substr(i, sp - i);
  if (*stream != "stdout" && *stream != "stderr") return false;
  i = sp + 1;
  if (i >= s.size() || s[i] != 'r') return false;
  ++i;
  size_t digits_start = i;
  bool negative = i < s.size() && s[i] == '-';
  if (negative) ++i;
  int r = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) r = r * 10 + (s[i++] - '0');
  if (i == digits_start + negative || i >= s.size() || s[i] != ' ') return false;
  *rank = negative ? -r : r;
  ++i;
  if (s.size() != i + 6 + 1 + 64) return false;
  int q = 0;
  for (int k = 0; k < 6; ++k, ++i) {
    if (!isdigit(static_cast<unsigned char>(s[i]))) return false;
    q = q * 10 + (s[i] - '0');
  }
  *seq = q;
  if (s[i++] != ' ') return false;
  for (; i < s.size(); ++i)
    if (s[i] != 'x') return false;
  return true;
}

}  // namespace

LineIntegrityResult check_lines(const std::string& text, const std::string& stream,
                                const std::vector<int>& ranks, int lines) {
  LineIntegrityResult r;
  std::map<std::pair<int, int>, int> seen;
  for (auto& line : lines_of(text)) {
    size_t pos = line.find("LCLINE");
    if (pos == std::string::npos) continue;
    std::string got_stream;
    int rank = 0, seq = 0;
    if (line.find("LCLINE", pos + 1) != std::string::npos ||
        !parse_lcline(line.substr(pos), &got_stream, &rank, &seq)) {
      ++r.broken;
      if (r.first_problem.empty()) r.first_problem = "broken line: \"" + clip(line, 120) + "\"";
      continue;
    }
    if (got_stream != stream) continue;
    ++seen[{rank, seq}];
  }
  for (int rank : ranks) {
    for (int i = 0; i < lines; ++i) {
      auto it = seen.find({rank, i});
      int n = it == seen.end() ? 0 : it->second;
      if (n == 0) {
        ++r.missing;
        if (r.first_problem.empty())
          r.first_problem =
              "rank " + std::to_string(rank) + " line " + std::to_string(i) + " missing";
      } else if (n > 1) {
        ++r.duplicated;
        if (r.first_problem.empty())
          r.first_problem = "rank " + std::to_string(rank) + " line " + std::to_string(i) +
                            " seen " + std::to_string(n) + " times";
      }
    }
  }
  return r;
}

FailureSummary parse_failure_summary(const std::string& console) {
  FailureSummary s;
  size_t pos = console.find("Root Cause");
  if (pos == std::string::npos) return s;
  std::string rest = console.substr(pos);
  static const std::regex rank_re("rank\\s*:\\s*(-?\\d+)");
  static const std::regex exit_re("exitcode\\s*:\\s*(-?\\d+)");
  std::smatch m;
  if (std::regex_search(rest, m, rank_re)) s.root_cause_rank = std::stoi(m[1]);
  if (std::regex_search(rest, m, exit_re)) {
    s.exit_code = std::stoi(m[1]);
    s.exit_is_signal = s.exit_code < 0;
    s.found = true;
  }
  return s;
}

std::vector<CheckFailure> run_checks(const Scenario& s, const RunRecord& run, Placeholders& ph) {
  std::vector<CheckFailure> f;
  const Expect& x = s.expect;
  bool x_no_workers = false;
  auto fail = [&](std::string check, std::string expected, std::string actual) {
    f.push_back({std::move(check), std::move(expected), std::move(actual)});
  };

  if (run.timed_out)
    fail("timeout", "the run ends within " + std::to_string(static_cast<int>(run.timeout_s)) + " s",
         "still running at the timeout; everything was killed");
  for (auto& a : run.agents)
    if (!a.exec_error.empty()) fail("start " + a.node, "the launcher starts", a.exec_error);
  for (auto& fr : run.faults)
    if (!fr.outcome.empty()) fail("fault " + fr.pointer, fr.what, fr.outcome);
  if (!run.bad_event_lines.empty())
    fail("event log", "every event line is whole JSON",
         std::to_string(run.bad_event_lines.size()) + " bad line(s), first: \"" +
             clip(run.bad_event_lines[0], 120) + "\"");

  // Agents' exits.
  for (auto& a : run.agents) {
    auto it = x.exit.find(a.node);
    if (it == x.exit.end()) it = x.exit.find("*");
    if (it == x.exit.end()) continue;
    if (!exit_matches(it->second, a)) {
      std::string actual = describe_exit(a);
      auto lines = lines_of(a.err);
      // Skip blank lines and rules ("=====") to reach the line that says why.
      while (!lines.empty() && lines.back().find_first_not_of(" \t\r=-*") == std::string::npos)
        lines.pop_back();
      if (!lines.empty() && (a.signo || a.exit_code != 0))
        actual += "; its last stderr line: \"" + clip(lines.back(), 200) + "\"";
      fail("exit " + a.node, describe(it->second), actual);
    }
  }

  auto started = workers_started(run);
  // Without any worker, every check about workers would fail alike: say it once.
  if (started.empty()) {
    std::vector<std::string> needing;
    if (!x.attempts.empty()) needing.push_back("attempts");
    if (x.restarts && *x.restarts >= 0) needing.push_back("restarts");
    if (x.world_size) needing.push_back("world_size");
    if (!x.env.empty()) needing.push_back("env");
    if (x.rank_arithmetic) needing.push_back("rank_arithmetic");
    if (x.process_tree) needing.push_back("process_tree");
    bool wants_none = x.attempts.size() == 1 && x.attempts[0].started &&
                      x.attempts[0].started->empty() && needing.size() == 1;
    if (!needing.empty() && !wants_none) {
      std::string which;
      for (auto& n : needing) which += (which.empty() ? "" : ", ") + n;
      fail("workers", "workers start (checked by " + which + ")", "no worker started");
      x_no_workers = true;
    }
  }
  // Ranks per attempt.
  for (auto& ae : x.attempts) {
    if (x_no_workers) break;
    std::vector<int> st, ok;
    std::set<int> pids;
    for (auto* e : started)
      if (attempt_of(*e) == ae.attempt) {
        st.push_back(e->rank.value_or(-1));
        pids.insert(e->pid);
      }
    for (auto& e : run.events)
      if (e.ev == "exit" && pids.count(e.pid) && e.code && *e.code == 0 && e.exit_signal.empty())
        ok.push_back(e.rank.value_or(-1));
    std::sort(st.begin(), st.end());
    std::sort(ok.begin(), ok.end());
    std::string which = "attempt " + std::to_string(ae.attempt);
    if (ae.started) {
      auto want = *ae.started;
      std::sort(want.begin(), want.end());
      if (want != st) fail(which + " ranks started", join(want), join(st));
    }
    if (ae.succeeded) {
      auto want = *ae.succeeded;
      std::sort(want.begin(), want.end());
      if (want != ok) fail(which + " ranks succeeded", join(want), join(ok));
    }
  }

  if (x.restarts && !x_no_workers) {
    int max_attempt = -1;
    for (auto* e : started) max_attempt = std::max(max_attempt, attempt_of(*e));
    if (max_attempt != *x.restarts)
      fail("restarts", std::to_string(*x.restarts) + " (highest TORCHELASTIC_RESTART_COUNT seen)",
           max_attempt < 0 ? "no worker started" : std::to_string(max_attempt));
  }

  if (x.world_size && !x_no_workers) {
    std::set<std::string> seen;
    for (auto* e : started) {
      auto it = e->env.find("WORLD_SIZE");
      seen.insert(it == e->env.end() ? "<unset>" : it->second);
    }
    std::string actual;
    for (auto& v : seen) actual += (actual.empty() ? "" : ", ") + v;
    if (seen.size() != 1 || *seen.begin() != std::to_string(*x.world_size))
      fail("world size", "WORLD_SIZE=" + std::to_string(*x.world_size) + " in every worker",
           started.empty() ? "no worker started" : "WORLD_SIZE seen: " + actual);
  }

  // Workers that exited 0: the `succeeded` env filter looks only at them.
  std::set<int> succeeded_pids;
  for (auto& e : run.events)
    if (e.ev == "exit" && e.code && *e.code == 0 && e.exit_signal.empty())
      succeeded_pids.insert(e.pid);
  for (auto& ee : x.env) {
    if (x_no_workers) break;
    std::string check =
        "env " + ee.var + (ee.rank ? " (rank " + std::to_string(*ee.rank) + ")" : "") +
        (ee.node.empty() ? "" : " (node " + ee.node + ")") + (ee.succeeded ? " (succeeded)" : "");
    std::optional<std::regex> re;
    if (ee.regex) re.emplace(ph.resolve_regex(*ee.regex));
    std::string equals = ee.equals ? ph.resolve(*ee.equals) : "";
    std::set<std::string> values;
    int considered = 0;
    for (auto* e : started) {
      if (ee.rank && e->rank != ee.rank) continue;
      if (!ee.node.empty() && e->node != ee.node) continue;
      if (ee.succeeded && !succeeded_pids.count(e->pid)) continue;
      ++considered;
      auto it = e->env.find(ee.var);
      bool present = it != e->env.end();
      std::string who = "rank " + (e->rank ? std::to_string(*e->rank) : "?") + " (pid " +
                        std::to_string(e->pid) + ")";
      values.insert(present ? it->second : "<unset>");
      if (ee.present && *ee.present != present) {
        fail(check, *ee.present ? "set" : "unset",
             who + (present ? " has " + ee.var + "=" + it->second : " has it unset"));
        break;
      }
      if (ee.equals && (!present || it->second != equals)) {
        fail(check, "\"" + equals + "\"",
             who + ": " + (present ? "\"" + it->second + "\"" : "unset"));
        break;
      }
      if (re && (!present || !std::regex_match(it->second, *re))) {
        fail(check, "matches /" + *ee.regex + "/",
             who + ": " + (present ? "\"" + it->second + "\"" : "unset"));
        break;
      }
    }
    if (considered == 0) fail(check, "at least one worker to look at", "no worker started");
    if (ee.same_across_ranks && values.size() > 1) {
      std::string all;
      for (auto& v : values) all += (all.empty() ? "" : ", ") + v;
      fail(check, "the same value in every worker", "values: " + all);
    }
  }

  if (x.rank_arithmetic && !x_no_workers) {
    if (started.empty()) fail("rank arithmetic", "workers to look at", "no worker started");
    auto num = [](const WorkerEvent* e, const char* k) -> long {
      auto it = e->env.find(k);
      if (it == e->env.end()) return -1;
      try {
        return std::stol(it->second);
      } catch (...) {
        return -1;
      }
    };
    // Upstream: a node's ranks follow those of the lower node ranks (the sum
    // of their LOCAL_WORLD_SIZE), so nodes with different nproc still get
    // contiguous ranks. Sizes are per round: attempt, world and master.
    auto round_of = [](const WorkerEvent* e) {
      auto get = [&](const char* k) {
        auto it = e->env.find(k);
        return it == e->env.end() ? std::string() : it->second;
      };
      return std::to_string(attempt_of(*e)) + "/" + get("WORLD_SIZE") + "/" + get("MASTER_ADDR") +
             ":" + get("MASTER_PORT");
    };
    std::map<std::string, std::map<long, long>> node_sizes;  // round -> group rank -> lws
    for (auto* e : started)
      node_sizes[round_of(e)][num(e, "GROUP_RANK")] = num(e, "LOCAL_WORLD_SIZE");
    for (auto* e : started) {
      long rank = num(e, "RANK"), group = num(e, "GROUP_RANK"), lws = num(e, "LOCAL_WORLD_SIZE"),
           lr = num(e, "LOCAL_RANK");
      // A lower node whose workers left no event is assumed to be this size.
      long offset = 0;
      const auto& sizes = node_sizes[round_of(e)];
      for (long g = 0; g < group; ++g) {
        auto it = sizes.find(g);
        offset += it == sizes.end() || it->second < 0 ? lws : it->second;
      }
      if (rank < 0 || group < 0 || lws < 0 || lr < 0 || lr >= lws || rank != offset + lr) {
        fail("rank arithmetic",
             "RANK = LOCAL_RANK + the LOCAL_WORLD_SIZEs of the lower GROUP_RANKs (" +
                 std::to_string(offset) + " + LOCAL_RANK)",
             "pid " + std::to_string(e->pid) + ": RANK=" + std::to_string(rank) +
                 " GROUP_RANK=" + std::to_string(group) +
                 " LOCAL_WORLD_SIZE=" + std::to_string(lws) + " LOCAL_RANK=" + std::to_string(lr));
        break;
      }
    }
  }

  if (x.process_tree && !x_no_workers) {
    std::map<std::string, int> per_agent;
    for (auto* e : started) {
      const AgentRecord* owner = nullptr;
      for (auto& a : run.agents)
        if (a.pid && a.pid == e->ppid) owner = &a;
      if (owner) ++per_agent[owner->node];
      if (x.process_tree->workers_parent_is_agent && !owner) {
        fail("process tree", "every worker's parent is an agent",
             "rank " + (e->rank ? std::to_string(*e->rank) : "?") + " (pid " +
                 std::to_string(e->pid) + ") has parent " + std::to_string(e->ppid));
        break;
      }
    }
    for (auto& [node, want] : x.process_tree->workers_per_agent)
      if (per_agent[node] != want)
        fail("process tree " + node, std::to_string(want) + " worker(s) started as its children",
             std::to_string(per_agent[node]));
  }

  if (x.no_survivors && !run.survivors.empty()) {
    std::string who;
    for (auto& sv : run.survivors) {
      // Name it as the fixture described itself, when it did.
      std::string role;
      for (auto& e : run.events)
        if (e.ev == "start" && e.pid == sv.pid)
          role = " (" + (e.role.empty() ? std::string("worker") : e.role) +
                 (e.rank ? " of rank " + std::to_string(*e.rank) : std::string()) + ")";
      who += (who.empty() ? "" : "; ") + std::to_string(sv.pid) + role + " " + clip(sv.cmdline, 80);
    }
    fail("no survivors", "no process of the run alive after the launcher exited",
         std::to_string(run.survivors.size()) + " left (killed now): " + who);
  }

  for (auto& t : x.output) {
    std::string text;
    if (!t.file.empty()) {
      for (auto& p : glob_paths(ph.resolve(t.file))) text += read_file(p);
    } else {
      text = console_text(run, t.node, t.stream);
    }
    std::string src = text_source_name(t);
    if (t.contains) {
      std::string needle = ph.resolve(*t.contains);
      size_t n = count_substr(text, needle);
      if (t.count ? n != static_cast<size_t>(*t.count) : n == 0)
        fail("output " + src,
             (t.count ? std::to_string(*t.count) + "x " : std::string("contains ")) + "\"" +
                 needle + "\"",
             std::to_string(n) + " occurrence(s) in: \"" + clip(text) + "\"");
    } else if (t.not_contains) {
      std::string needle = ph.resolve(*t.not_contains);
      if (text.find(needle) != std::string::npos)
        fail("output " + src, "no \"" + needle + "\"", "found in: \"" + clip(text) + "\"");
    } else if (t.regex) {
      std::regex re(ph.resolve_regex(*t.regex));
      int n = 0;
      for (auto& line : lines_of(text))
        if (std::regex_search(line, re)) ++n;
      if (t.count ? n != *t.count : n == 0)
        fail("output " + src,
             (t.count ? std::to_string(*t.count) : std::string("at least one")) +
                 " line(s) matching /" + *t.regex + "/",
             std::to_string(n) + " line(s) in: \"" + clip(text) + "\"");
    }
  }

  for (auto& l : x.line_integrity) {
    std::string text;
    if (!l.file.empty()) {
      for (auto& p : glob_paths(ph.resolve(l.file))) text += read_file(p);
    } else {
      text = console_text(run, l.node, "both");
    }
    auto r = check_lines(text, l.stream, l.ranks, l.lines);
    if (r.missing || r.duplicated || r.broken)
      fail("line integrity " + (l.file.empty() ? std::string("console") : l.file),
           std::to_string(l.lines) + " whole " + l.stream + " line(s) from each of ranks " +
               join(l.ranks) + ", each exactly once",
           std::to_string(r.missing) + " missing, " + std::to_string(r.duplicated) +
               " duplicated, " + std::to_string(r.broken) + " broken; " + r.first_problem);
  }

  for (auto& ee : x.events) {
    std::vector<int> ranks;
    int count = 0;
    for (auto& e : run.events) {
      if (e.ev != ee.ev || (ee.sig && e.sig != *ee.sig) || (ee.action && e.action != *ee.action) ||
          (ee.step && e.step != ph.resolve(*ee.step)) || (ee.value && e.value != *ee.value))
        continue;
      ++count;
      ranks.push_back(e.rank.value_or(-1));
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    std::string what = "events " + ee.ev;
    for (auto* f : {&ee.sig, &ee.action, &ee.step, &ee.value})
      if (*f) what += " " + **f;
    if (ee.ranks) {
      auto want = *ee.ranks;
      std::sort(want.begin(), want.end());
      if (want != ranks) fail(what, "from ranks " + join(want), "from ranks " + join(ranks));
    }
    if (ee.count && *ee.count != count)
      fail(what, std::to_string(*ee.count) + " event(s)", std::to_string(count));
  }

  for (auto& fe : x.files) {
    std::string pattern = ph.resolve(fe.glob);
    auto paths = glob_paths(pattern);
    if (static_cast<int>(paths.size()) != fe.count) {
      std::string names;
      for (size_t i = 0; i < paths.size() && i < 8; ++i) names += (i ? ", " : "") + paths[i];
      fail("files " + fe.glob, std::to_string(fe.count) + " path(s) matching",
           std::to_string(paths.size()) + (names.empty() ? "" : ": " + names));
    }
  }

  if (x.failure_summary) {
    const auto& se = *x.failure_summary;
    std::string node = se.node.empty() ? s.nodes[0].name : se.node;
    std::string text = console_text(run, node, "both");
    auto sum = parse_failure_summary(text);
    if (!sum.found) {
      fail("failure summary " + node, "a \"Root Cause\" section with rank and exitcode",
           "none in: \"" + clip(text) + "\"");
    } else {
      if (se.root_cause_rank && *se.root_cause_rank != sum.root_cause_rank)
        fail("failure summary root cause rank", std::to_string(*se.root_cause_rank),
             std::to_string(sum.root_cause_rank));
      if (se.exit_code && *se.exit_code != sum.exit_code)
        fail("failure summary exit code", std::to_string(*se.exit_code),
             std::to_string(sum.exit_code));
    }
  }

  double duration = (run.end_ns - run.start_ns) / 1e9;
  if (x.duration_min_s && duration < *x.duration_min_s)
    fail("duration", ">= " + std::to_string(*x.duration_min_s) + " s",
         std::to_string(duration) + " s");
  if (x.duration_max_s && duration > *x.duration_max_s)
    fail("duration", "<= " + std::to_string(*x.duration_max_s) + " s",
         std::to_string(duration) + " s");
  return f;
}
