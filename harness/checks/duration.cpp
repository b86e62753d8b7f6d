// `duration_s`: how long the launchers ran (first start to last exit).
#include "families.h"

namespace launchcheck {

namespace {

struct DurationExpect {
  std::optional<double> min_s, max_s;
};

}  // namespace

std::any parse_duration(const ExpectInput& in) {
  const Json* d = in.expect.get(in.key);
  if (!d) return {};
  ObjectReader dr(*d, in.pointer());
  DurationExpect out{dr.number("min", 0, kMaxScenarioSeconds),
                     dr.number("max", 0, kMaxScenarioSeconds)};
  dr.finish();
  return out;
}

void judge_duration(const std::any& spec, Judging& j) {
  const auto& want = std::any_cast<const DurationExpect&>(spec);
  double duration = (j.run.end_ns - j.run.start_ns) / 1e9;
  if (want.min_s && duration < *want.min_s)
    j.fail("duration", ">= " + std::to_string(*want.min_s) + " s", std::to_string(duration) + " s");
  if (want.max_s && duration > *want.max_s)
    j.fail("duration", "<= " + std::to_string(*want.max_s) + " s", std::to_string(duration) + " s");
}

}  // namespace launchcheck
