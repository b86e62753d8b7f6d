// `events`: fixture events of one kind (signal receipts, step results,
// grandchildren, ...): which ranks recorded a matching one, or how many.
#include <algorithm>
#include <set>

#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct EventExpect {
  std::string ev;                     // start, step, signal, grandchild, exit
  std::optional<std::string> sig;     // signal: its name
  std::optional<std::string> action;  // signal: ignored / exit
  std::optional<std::string> step;    // step: the step text as written, for messages
  std::string step_text;              // the same, substituted
  std::optional<std::string> value;   // step: recorded result, as JSON text ("6", "true")
  std::optional<std::vector<int>> ranks;
  std::optional<int> count;
};
using EventExpects = std::vector<EventExpect>;

EventExpect parse_one(const ExpectInput& in, const Json& a, const std::string& p) {
  ObjectReader er(a, p);
  EventExpect ee;
  ee.ev = er.required_string("ev");
  static const std::set<std::string> kinds = {"start", "step", "signal", "grandchild", "exit"};
  if (!kinds.count(ee.ev))
    field_error(er.pointer("ev"), "expected start, step, signal, grandchild or exit");
  ee.sig = er.string("sig");
  ee.action = er.string("action");
  ee.step = er.string("step");
  if (ee.step) ee.step_text = in.text(*ee.step, er.pointer("step"));
  ee.value = er.string("value");
  ee.ranks = er.integers("ranks", 0, kMaxCount);
  if (auto c = er.integer("count", 0, kMaxCount)) ee.count = static_cast<int>(*c);
  if (!ee.ranks && !ee.count) field_error(p, "give ranks, count or both");
  er.finish();
  return ee;
}

bool matches(const EventExpect& ee, const WorkerEvent& e) {
  return e.ev == ee.ev && (!ee.sig || e.sig == *ee.sig) && (!ee.action || e.action == *ee.action) &&
         (!ee.step || e.step == ee.step_text) && (!ee.value || e.value == *ee.value);
}

void judge_one(const EventExpect& ee, Judging& j) {
  std::vector<int> ranks;
  int count = 0;
  for (auto& e : j.run.events) {
    if (!matches(ee, e)) continue;
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
    if (want != ranks) j.fail(what, "from ranks " + join(want), "from ranks " + join(ranks));
  }
  if (ee.count && *ee.count != count)
    j.fail(what, std::to_string(*ee.count) + " event(s)", std::to_string(count));
}

}  // namespace

std::any parse_events(const ExpectInput& in) {
  return parse_items<EventExpect>(in, parse_one);
}

void judge_events(const std::any& spec, Judging& j) {
  for (auto& ee : std::any_cast<const EventExpects&>(spec)) judge_one(ee, j);
}

}  // namespace launchcheck
