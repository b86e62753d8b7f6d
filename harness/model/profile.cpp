#include "profile.h"

#include <fnmatch.h>
#include <unistd.h>

#include <filesystem>

#include "capabilities.h"
#include "common/text.h"
#include "launch_options.h"
#include "scenario_regex.h"

namespace fs = std::filesystem;

namespace launchcheck {

namespace {

// torchrun's defaults, so a profile can leave them off the command line and
// test that the launcher really defaults to them.
const std::map<std::string, std::vector<std::string>>& defaults() {
  static const std::map<std::string, std::vector<std::string>> d = {
      {"nnodes", {"1:1", "1"}},
      {"nproc_per_node", {"1"}},
      {"rdzv_backend", {"static"}},
      {"rdzv_endpoint", {""}},
      {"rdzv_id", {"none"}},
      {"rdzv_conf", {""}},
      {"max_restarts", {"0"}},
      {"start_method", {"spawn"}},
      {"role", {"default"}},
      {"redirects", {"0"}},
      {"tee", {"0"}},
      {"node_rank", {"0"}},
      {"master_addr", {"127.0.0.1"}},
      {"master_port", {"29500"}},
  };
  return d;
}

std::vector<Xfail> parse_expectations(const std::string& path) {
  Json doc = parse_json_file(path);
  try {
    std::vector<Xfail> out;
    ObjectReader r(doc, "");
    r.get("$comment");
    const Json* x = r.get("xfail");
    if (x) {
      if (!x->is_array()) field_error("/xfail", "expected an array");
      for (size_t i = 0; i < x->size(); ++i) {
        ObjectReader xr((*x)[i], "/xfail/" + std::to_string(i));
        Xfail f;
        f.pattern = xr.required_string("scenario");
        f.reason = xr.required_string("reason");
        if (f.reason.empty()) field_error(xr.pointer("reason"), "an xfail needs a reason");
        // Named checks, so one known failure cannot hide another.
        f.checks = xr.strings("checks").value_or(std::vector<std::string>{});
        if (f.checks.empty())
          field_error(xr.pointer("checks"),
                      "an xfail names the check(s) expected to fail, e.g. [\"exit n0\"]");
        xr.finish();
        out.push_back(f);
      }
    }
    r.finish();
    return out;
  } catch (const JsonFieldError& e) {
    throw std::runtime_error(path + ": " + e.pointer() + ": " + e.what());
  }
}

// "launched" | "descendant" | {"command_matches": REGEX}
AgentRelation parse_agent(const Json& j, const std::string& pointer) {
  AgentRelation a;
  if (j.is_string()) {
    auto s = j.get<std::string>();
    const std::string kinds = R"("launched", "descendant" or {"command_matches": REGEX})";
    if (s == "descendant") return {AgentRelation::kDescendant, std::nullopt};
    if (s != "launched") field_error(pointer, "expected " + kinds + ", not \"" + s + "\"");
    return a;
  }
  ObjectReader r(j, pointer);
  a.kind = AgentRelation::kCommandMatches;
  std::string pattern = r.required_string("command_matches");
  r.finish();
  try {
    a.re.emplace(pattern);
  } catch (const std::invalid_argument& e) {
    field_error(r.pointer("command_matches"), std::string("bad regex: ") + e.what());
  }
  return a;
}

}  // namespace

std::string AgentRelation::describe() const {
  switch (kind) {
    case kLaunched:
      return "the launched process";
    case kDescendant:
      return "a descendant of the launched process";
    case kCommandMatches:
      break;
  }
  return "a descendant of the launched process whose command line matches /" + (re ? re->pattern() : "") + "/";
}

bool Profile::has_capability(const std::string& cap) const {
  for (auto& c : capabilities)
    if (c == cap) return true;
  return false;
}

const Xfail* Profile::xfail_for(const std::string& scenario_id) const {
  for (auto& x : xfails)
    if (fnmatch(x.pattern.c_str(), scenario_id.c_str(), 0) == 0) return &x;
  return nullptr;
}

// {"count": 1..5, "reason": "why this launcher flakes"}: the reason is
// required, so a retry is never granted without saying why.
namespace {
void parse_retries(const Json& j, const std::string& pointer, Profile* p) {
  ObjectReader r(j, pointer);
  auto count = r.integer("count", 0, 5);
  if (!count) field_error(pointer + "/count", "expected the number of retries (0..5)");
  p->retries = static_cast<int>(*count);
  p->retries_reason = r.required_string("reason");
  r.finish();
}
}  // namespace

Profile parse_profile(const Json& doc, const std::string& file, const std::string& build_dir) {
  // Absolute: launchers start in the run's own directory, not ours.
  std::string profile_dir = fs::absolute(file).parent_path().lexically_normal().string();
  auto expand = [&](const std::string& s) {
    return common::replace_all(common::replace_all(s, "{build}", build_dir), "{profile_dir}",
                               profile_dir);
  };
  Profile p;
  p.file = file;
  try {
    ObjectReader r(doc, "");
    r.get("$schema");
    p.name = r.required_string("name");
    p.description = r.string("description").value_or("");
    auto cmd = r.strings("command");
    if (!cmd || cmd->empty()) field_error("/command", "expected the launcher command as an array");
    for (auto& c : *cmd) p.command.push_back(expand(c));
    auto style = r.string("option_style").value_or("dash");
    if (style != "dash" && style != "underscore")
      field_error("/option_style", "expected \"dash\" or \"underscore\", not \"" + style + "\"");
    p.underscore = style == "underscore";
    p.omit_defaults = r.boolean("omit_defaults").value_or(true);
    if (const Json* env = r.get("env")) {
      ObjectReader er(*env, "/env");
      for (auto it = env->begin(); it != env->end(); ++it)
        p.env[it.key()] = expand(*er.string(it.key()));
    }
    p.capabilities = r.strings("capabilities").value_or(std::vector<std::string>{});
    check_capabilities(p.capabilities, "/capabilities");
    if (const Json* agent = r.get("agent")) p.agent = parse_agent(*agent, r.pointer("agent"));
    if (const Json* retries = r.get("retries")) parse_retries(*retries, r.pointer("retries"), &p);
    if (auto rss = r.integer("agent_rss_mib", 1, 1 << 20)) p.agent_rss_mib = static_cast<double>(*rss);
    auto exp = r.string("expectations");
    r.finish();
    if (exp) {
      fs::path ep = fs::path(expand(*exp));
      if (ep.is_relative()) ep = fs::path(profile_dir) / ep;
      p.xfails = parse_expectations(ep.string());
    }
  } catch (const JsonFieldError& e) {
    throw std::runtime_error(file + ": " + e.pointer() + ": " + e.what());
  }
  return p;
}

Profile load_profile(const std::string& name_or_file, const std::string& profiles_dir,
                     const std::string& build_dir) {
  std::string file = name_or_file;
  bool looks_like_path = name_or_file.find('/') != std::string::npos ||
                         (name_or_file.size() > 5 && name_or_file.ends_with(".json"));
  if (!looks_like_path) {
    file = profiles_dir + "/" + name_or_file + ".json";
    if (!fs::exists(file))
      throw std::runtime_error("unknown profile \"" + name_or_file + "\" (no " + file + ")");
  }
  return parse_profile(parse_json_file(file), file, build_dir);
}

std::vector<std::string> render_options(const Profile& p,
                                        const std::map<std::string, std::string>& options) {
  std::vector<std::string> out;
  for (auto& [name, value] : options) {
    auto known = known_launch_options().find(name);
    bool flag = known != known_launch_options().end() && known->second;
    std::string spelled = "--" + (p.underscore ? name : common::replace_all(name, "_", "-"));
    if (flag) {
      if (value == "true") out.push_back(spelled);
      continue;
    }
    auto d = defaults().find(name);
    if (p.omit_defaults && d != defaults().end()) {
      bool is_default = false;
      for (auto& v : d->second) is_default = is_default || v == value;
      if (is_default) continue;
    }
    out.push_back(spelled + "=" + value);
  }
  return out;
}

std::string find_executable(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

}  // namespace launchcheck
