// Services a scenario asks the runner for, started before any node and
// stopped after the last (run/etcd_cluster.h): today an etcd cluster of 1
// or 3 members for the etcd rendezvous backend.
//
//   "services": {"etcd": {"members": 3}}
//
// Its client endpoints are the placeholders {etcd} (member 0), {etcd:N}
// and {etcd_endpoints} (all, comma-separated); faults act on its members
// ("etcd:0", "etcd:leader", "etcd:follower": fault_spec.h).
#pragma once

#include <string>

#include "json_reader.h"

namespace launchcheck {

struct ServiceSpec {
  int etcd_members = 0;  // 0: no etcd
};

// The "services" object at `ptr`. Throws JsonFieldError.
ServiceSpec parse_services(const Json& j, const std::string& ptr);

// A fault's service target "etcd:0" / "etcd:leader" / "etcd:follower":
// the member part, checked against the spec ("" and `why` set when bad).
std::string parse_service_member(const std::string& target, const ServiceSpec& spec,
                                 std::string& why);

}  // namespace launchcheck
