// What `launchcheck bench` writes: a JSON report, a Markdown table, and an SVG
// of latency against workers and against agents, all from our own samples.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bench_case.h"
#include "bench_stats.h"
#include "json_reader.h"

namespace launchcheck {

struct BenchResult {
  std::string profile;
  std::string status;                                  // "ok", "skip", "error"
  std::string reason;                                  // why skipped, or the first error
  std::map<std::string, std::vector<double>> samples;  // metric -> one value per measured run
};

struct BenchCaseResult {
  BenchCase c;
  std::vector<BenchResult> results;  // one per profile, in --profile order
};

struct BenchMeta {
  std::string date;     // UTC, ISO 8601
  std::string machine;  // "2 CPUs, Linux 6.1.0 x86_64"
  std::string command;  // how to reproduce
  int runs = 0, warmup = 0;
  std::vector<std::string> profiles;
  std::map<std::string, std::string> versions;  // profile -> launcher version, "" unknown
};

// Stats of one metric of one profile; count 0 when there are none.
SampleStats stats_of(const BenchResult& r, const std::string& metric);

Json bench_json(const BenchMeta& meta, const std::vector<BenchCaseResult>& cases);
std::string bench_markdown(const BenchMeta& meta, const std::vector<BenchCaseResult>& cases);
std::string bench_svg(const std::vector<BenchCaseResult>& cases);

}  // namespace launchcheck
