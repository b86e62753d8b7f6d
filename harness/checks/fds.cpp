// `fds`: the descriptors each worker had open when it started (the
// fixtures list /proc/self/fd before opening anything), by what they point
// at: e.g. none of them is the file the launcher itself inherited on an
// extra descriptor (torchrun's Popen closes everything but 0-2).
//   {"fds": [{"target_regex": "/marker$", "present": false}]}
#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct FdExpect {
  std::string regex;  // as written, for messages
  std::optional<std::regex> re;
  bool present = false;
  std::optional<int> rank;
  std::string node;
};
using FdExpects = std::vector<FdExpect>;

FdExpect parse_one(const ExpectInput& in, const Json& a, const std::string& p) {
  ObjectReader fr(a, p);
  FdExpect f;
  f.regex = fr.required_string("target_regex");
  f.re = in.regex(f.regex, fr.pointer("target_regex"));
  auto present = fr.boolean("present");
  if (!present) field_error(fr.pointer("present"), "missing: true or false");
  f.present = *present;
  if (auto r = fr.integer("rank")) f.rank = static_cast<int>(*r);
  f.node = fr.string("node").value_or("");
  if (!f.node.empty()) in.check_node(f.node, fr.pointer("node"));
  fr.finish();
  return f;
}

void judge_one(const FdExpect& f, Judging& j) {
  std::string check = "fds " + std::string(f.present ? "" : "no ") + "/" + f.regex + "/";
  int considered = 0;
  for (auto* e : j.started()) {
    if (f.rank && e->rank != f.rank) continue;
    if (!f.node.empty() && e->node != f.node) continue;
    ++considered;
    std::string who = "rank " + (e->rank ? std::to_string(*e->rank) : "?") + " (pid " +
                      std::to_string(e->pid) + ")";
    if (!e->fds) {
      j.fail(check, "the worker's fd list", who + " reported none (not a fixture?)");
      return;
    }
    std::string hit;
    for (auto& [fd, target] : *e->fds)
      if (f.re && std::regex_search(target, *f.re)) hit = fd + " -> " + target;
    if (f.present && hit.empty()) {
      j.fail(check, "an open descriptor matching it", who + " has none");
      return;
    }
    if (!f.present && !hit.empty()) {
      j.fail(check, "no open descriptor matching it", who + " has fd " + hit);
      return;
    }
  }
  if (considered == 0) j.fail(check, "at least one worker to look at", "no worker started");
}

}  // namespace

std::any parse_fds(const ExpectInput& in) {
  return parse_items<FdExpect>(in, parse_one);
}

void judge_fds(const std::any& spec, Judging& j) {
  for (auto& f : std::any_cast<const FdExpects&>(spec)) judge_one(f, j);
}

}  // namespace launchcheck
