// `json_files`: a value inside a JSON file the launcher wrote (e.g. its own
// TORCHELASTIC_ERROR_FILE), addressed by a JSON pointer. The glob must match
// exactly one file and the file must parse.
//   {"json_files": [{"file": "{tmp}/err.json", "pointer": "/message/errorCode", "equals": 1}]}
#include <algorithm>
#include <fstream>
#include <string>

#include "common/json_depth.h"

#include "check_text.h"
#include "families.h"

namespace launchcheck {

namespace {

struct JsonFileExpect {
  std::string file;       // as written
  std::string file_glob;  // substituted
  std::string pointer;
  std::optional<Json> equals;
  std::optional<std::string> regex;  // as written
  std::optional<Regex> re;           // on a string value
  std::optional<bool> present;
};
using JsonFileExpects = std::vector<JsonFileExpect>;

JsonFileExpect parse_one(const ExpectInput& in, const Json& a, const std::string& p) {
  ObjectReader jr(a, p);
  JsonFileExpect e;
  e.file = jr.required_string("file");
  e.file_glob = in.text(e.file, jr.pointer("file"));
  e.pointer = jr.required_string("pointer");
  try {
    Json::json_pointer check(e.pointer);
  } catch (const Json::exception&) {
    field_error(jr.pointer("pointer"), "not a JSON pointer: \"" + e.pointer + "\"");
  }
  if (const Json* v = jr.get("equals")) e.equals = *v;
  e.regex = jr.string("regex");
  if (e.regex) e.re = in.regex(*e.regex, jr.pointer("regex"));
  e.present = jr.boolean("present");
  if (!e.equals && !e.regex && !e.present)
    field_error(p, "give at least one of equals, regex, present");
  jr.finish();
  return e;
}

void judge_one(const JsonFileExpect& e, Judging& j) {
  std::string check = "json file " + e.file + " " + e.pointer;
  auto paths = glob_paths(e.file_glob);
  if (paths.size() != 1) {
    j.fail(check, "exactly one file", std::to_string(paths.size()) + " file(s)");
    return;
  }
  // The launcher under test wrote this file: bounded in size, and in depth
  // before parsing (dump() and comparisons recurse once per level).
  constexpr std::streamsize kMaxFile = 16 << 20;
  std::ifstream f(paths[0], std::ios::binary);
  // Grown as read: a buffer of the limit's size up front cost ~25 ms of
  // zeroing and page faults per file, on every scenario that checks one.
  std::string text;
  char chunk[65536];
  while (text.size() <= static_cast<size_t>(kMaxFile) && f.read(chunk, sizeof chunk).gcount() > 0)
    text.append(chunk, static_cast<size_t>(f.gcount()));
  if (text.size() > static_cast<size_t>(kMaxFile)) {
    j.fail(check, "a JSON document", "a file over 16 MiB");
    return;
  }
  if (auto at = common::json_nesting_exceeded(text, kMaxJsonDepth)) {
    j.fail(check, "a JSON document",
           "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels at byte " +
               std::to_string(*at));
    return;
  }
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    j.fail(check, "a JSON document", "not JSON: \"" + clip(text) + "\"");
    return;
  }
  Json::json_pointer ptr(e.pointer);
  bool present = doc.contains(ptr);
  if (e.present && *e.present != present) {
    j.fail(check, *e.present ? "present" : "absent", clip(doc.dump()));
    return;
  }
  if (!present) {
    if (e.equals || e.re) j.fail(check, "present", "absent in " + clip(doc.dump()));
    return;
  }
  const Json& v = doc.at(ptr);
  if (e.equals && v != *e.equals) j.fail(check, e.equals->dump(), v.dump());
  if (e.re && (!v.is_string() || !e.re->search(v.get<std::string>())))
    j.fail(check, "a string matching /" + *e.regex + "/", v.dump());
}

}  // namespace

std::any parse_json_files(const ExpectInput& in) {
  return parse_items<JsonFileExpect>(in, parse_one);
}

void judge_json_files(const std::any& spec, Judging& j) {
  for (auto& e : std::any_cast<const JsonFileExpects&>(spec)) judge_one(e, j);
}

}  // namespace launchcheck
