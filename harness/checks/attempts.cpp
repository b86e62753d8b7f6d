// `attempts` and `restarts`: which ranks started and succeeded in each
// attempt (TORCHELASTIC_RESTART_COUNT), and how many restarts there were.
#include <algorithm>
#include <set>

#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct AttemptExpect {
  int attempt = 0;
  std::optional<std::vector<int>> started;
  std::optional<std::vector<int>> succeeded;
};
using Attempts = std::vector<AttemptExpect>;

void expect_ranks(Judging& j, const std::string& what, std::vector<int> want,
                  std::vector<int> got) {
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  if (want != got) j.fail(what, join(want), join(got));
}

AttemptExpect parse_one(const ExpectInput&, const Json& a, const std::string& p) {
  ObjectReader ar(a, p);
  AttemptExpect ae;
  ae.attempt = static_cast<int>(ar.integer("attempt", 0, kMaxCount).value_or(0));
  ae.started = ar.integers("started", 0, kMaxCount);
  ae.succeeded = ar.integers("succeeded", 0, kMaxCount);
  ar.finish();
  return ae;
}

}  // namespace

std::any parse_attempts(const ExpectInput& in) {
  return parse_items<AttemptExpect>(in, parse_one);
}

// An expectation that no worker starts at all is judged even then.
bool attempts_need_workers(const std::any& spec) {
  const auto& a = std::any_cast<const Attempts&>(spec);
  return !(a.size() == 1 && a[0].started && a[0].started->empty());
}

void judge_attempts(const std::any& spec, Judging& j) {
  for (auto& ae : std::any_cast<const Attempts&>(spec)) {
    std::vector<int> st, ok;
    std::set<int> pids;
    for (auto* e : j.started())
      if (attempt_of(*e) == ae.attempt) {
        st.push_back(e->rank.value_or(-1));
        pids.insert(e->pid);
      }
    for (auto& e : j.run.events)
      if (e.ev == "exit" && pids.count(e.pid) && e.code && *e.code == 0 && e.exit_signal.empty())
        ok.push_back(e.rank.value_or(-1));
    std::string which = "attempt " + std::to_string(ae.attempt);
    if (ae.started) expect_ranks(j, which + " ranks started", *ae.started, st);
    if (ae.succeeded) expect_ranks(j, which + " ranks succeeded", *ae.succeeded, ok);
  }
}

std::any parse_restarts(const ExpectInput& in) {
  auto n = in.expect.integer(in.key, -1, kMaxCount);
  if (!n) return {};
  return static_cast<int>(*n);
}

// A negative count says "none at all": it holds without any worker too.
bool restarts_need_workers(const std::any& spec) {
  return std::any_cast<int>(spec) >= 0;
}

void judge_restarts(const std::any& spec, Judging& j) {
  int want = std::any_cast<int>(spec);
  int max_attempt = -1;
  for (auto* e : j.started()) max_attempt = std::max(max_attempt, attempt_of(*e));
  if (max_attempt != want)
    j.fail("restarts", std::to_string(want) + " (highest TORCHELASTIC_RESTART_COUNT seen)",
           max_attempt < 0 ? "no worker started" : std::to_string(max_attempt));
}

}  // namespace launchcheck
