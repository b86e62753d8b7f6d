#include "service_spec.h"

namespace launchcheck {

ServiceSpec parse_services(const Json& j, const std::string& ptr) {
  ObjectReader r(j, ptr);
  ServiceSpec s;
  if (const Json* e = r.get("etcd")) {
    ObjectReader er(*e, r.pointer("etcd"));
    auto members = er.integer("members", 1, 3);
    if (!members || (*members != 1 && *members != 3))
      field_error(er.pointer("members"), "expected 1 or 3 (a member, or a cluster that survives one loss)");
    s.etcd_members = static_cast<int>(*members);
    er.finish();
  }
  r.finish();
  return s;
}

std::string parse_service_member(const std::string& target, const ServiceSpec& spec,
                                 std::string& why) {
  if (target.rfind("etcd:", 0) != 0) {
    why = "expected \"etcd:N\", \"etcd:leader\" or \"etcd:follower\"";
    return "";
  }
  if (spec.etcd_members == 0) {
    why = "\"" + target + "\" needs \"services\": {\"etcd\": ...}";
    return "";
  }
  std::string m = target.substr(5);
  if (m == "leader" || m == "follower") return m;
  if (m.size() == 1 && m[0] >= '0' && m[0] < '0' + spec.etcd_members) return m;
  why = "no etcd member \"" + m + "\" (members 0.." + std::to_string(spec.etcd_members - 1) +
        ", leader, follower)";
  return "";
}

}  // namespace launchcheck
