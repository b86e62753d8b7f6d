// Whether this machine can make simulated hosts: a machine capability, not a
// launcher's. Scenarios with `hosts` are skipped with this reason where it
// cannot (not root, no CAP_SYS_ADMIN/CAP_NET_ADMIN, a seccomp or LSM
// refusal, a kernel without veth or bridges). capget() alone would miss the
// refusals, so the probe does the real thing, one host, in a forked child
// whose namespaces die with it (~10 ms).
#pragma once

#include <string>

namespace launchcheck {

// "" when hosts can be made, else why not in one line. Probed once per
// process.
std::string hosts_unavailable_reason();

}  // namespace launchcheck
