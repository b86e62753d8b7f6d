#include "bench_measure.h"

#include <algorithm>
#include <fstream>

namespace launchcheck {

namespace {

std::string last_line_of(const std::string& path) {
  std::ifstream f(path);
  std::string line, last;
  while (std::getline(f, line))
    if (!line.empty()) last = line;
  return last;
}

double ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}
double tv_ms(const timeval& tv) {
  return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

template <typename V>
V at(const std::map<int, V>& m, int key) {
  auto it = m.find(key);
  return it == m.end() ? V{} : it->second;
}

// The agents ended as the case expects (exit 0, or any failure).
std::string check_agents(const BenchCase& c, const BenchObservation& o) {
  for (size_t i = 0; i < o.agents.size(); ++i) {
    const BenchAgent& a = o.agents[i];
    bool ok = c.expect_exit == 0 ? a.status.success() : !a.status.success();
    if (ok) continue;
    std::string why = "agent " + std::to_string(i) + " " + a.status.describe() +
                      " (expected " + (c.expect_exit == 0 ? "exit code 0" : "a failure") + ")";
    std::string last = last_line_of(a.stderr_path);
    return last.empty() ? why : why + "; its last stderr line: " + last;
  }
  return "";
}

}  // namespace

bool observe_event(BenchObservation& o, const WorkerEvent& e) {
  int attempt = e.attempt.value_or(0);
  if (e.ev == "start" && e.role != "grandchild") {
    int n = ++o.starts[attempt];
    o.last_start[attempt] = std::max(o.last_start[attempt], e.mono_ns);
    if (!o.first_start) o.first_start = e.mono_ns;
    return attempt == 0 && n == o.expected;
  }
  if (e.ev == "exit" && e.rank == 1 && attempt == 0 && e.code == 3) o.rank1_exit_ns = e.mono_ns;
  return false;
}

std::string bench_check(const BenchCase& c, const BenchObservation& o) {
  std::string agents = check_agents(c, o);
  if (!agents.empty()) return agents;
  // A failing rank may take the others down before they all record their
  // start; those cases only need rank 1's exit (and attempt 1).
  bool all_of_attempt0 = c.kind != BenchKind::kFailure && c.kind != BenchKind::kRestart;
  int started0 = at(o.starts, 0), started1 = at(o.starts, 1);
  if (all_of_attempt0 && started0 != o.expected)
    return std::to_string(started0) + " of " + std::to_string(o.expected) + " workers started";
  if (c.kind == BenchKind::kRestart && started1 != o.expected)
    return std::to_string(started1) + " of " + std::to_string(o.expected) +
           " workers of attempt 1 started";
  if ((c.kind == BenchKind::kFailure || c.kind == BenchKind::kRestart) && !o.rank1_exit_ns)
    return "rank 1 recorded no exit with code 3";
  if (c.kind == BenchKind::kSigterm && !o.sigterm_sent) return "SIGTERM was never sent";
  if (c.kind == BenchKind::kIdle && (o.cpu_before < 0 || o.cpu_after < 0))
    return "could not read the agent's CPU time around the idle window";
  if (c.kind == BenchKind::kTee && o.last_byte_ns <= o.first_start)
    return "nothing reached the console";
  return "";
}

std::map<std::string, double> bench_metrics(const BenchCase& c, const BenchObservation& o) {
  std::map<std::string, double> m;
  const BenchAgent& a0 = o.agents[0];
  int64_t last_exit = 0;
  long max_rss = 0;
  for (auto& a : o.agents) {
    last_exit = std::max(last_exit, a.exit_ns);
    max_rss = std::max(max_rss, a.ru.ru_maxrss);
  }
  m["wall_ms"] = ms(last_exit - o.t_launch);
  m["cpu_ms"] = tv_ms(a0.ru.ru_utime) + tv_ms(a0.ru.ru_stime);
  m["rss_mib"] = max_rss / 1024.0;
  switch (c.kind) {
    case BenchKind::kTrivial:
      break;
    case BenchKind::kFailure:
      m["latency_ms"] = ms(a0.exit_ns - o.rank1_exit_ns);
      break;
    case BenchKind::kSigterm:
      m["latency_ms"] = ms(std::max(last_exit, o.workers_gone_ns) - o.sigterm_sent);
      break;
    case BenchKind::kRestart:
      m["latency_ms"] = ms(at(o.last_start, 1) - o.rank1_exit_ns);
      break;
    case BenchKind::kIdle:
      m["idle_cpu_ms"] = ms(o.cpu_after - o.cpu_before);
      m["window_ms"] = ms(o.window_end - o.window_start);
      break;
    case BenchKind::kTee:
      m["mb_per_s"] =
          o.tee->bytes() / 1e6 / (static_cast<double>(o.last_byte_ns - o.first_start) / 1e9);
      m["lines_lost"] = static_cast<double>(o.tee->lost());
      m["lines_split"] = static_cast<double>(o.tee->split());
      m["lines_duplicated"] = static_cast<double>(o.tee->duplicates());
      m["console_mb"] = o.tee->bytes() / 1e6;
      break;
    case BenchKind::kRendezvous:
      m["latency_ms"] = ms(at(o.last_start, 0) - o.t_launch);
      break;
    case BenchKind::kStoreJoin:  // bench_store.cpp measures these
    case BenchKind::kStoreKeepalive:
      break;
  }
  return m;
}

}  // namespace launchcheck
