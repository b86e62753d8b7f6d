// Unnamed namespaces held only by descriptors: made with unshare() in this
// thread, which goes straight back, so nothing ever has a name
// (/run/netns, /etc/netns) and nothing is left to sweep when the holder
// dies: the kernel frees a namespace with its last descriptor and process.
// Every descriptor here is close-on-exec; a launcher that inherited one
// would keep the whole network alive.
#pragma once

#include <string>

#include "net_ops.h"

namespace launchcheck {

// /proc/thread-self/ns/<kind> ("net", "uts", "mnt").
Fd open_namespace(const std::string& kind);
// The inode that identifies a namespace (what /proc/PID/ns/net links to).
unsigned long namespace_inode(int fd);
// Whether any process is in the namespace `link` ("net:[4026532305]", as
// /proc/PID/ns/* reads) or holds a descriptor on it: what keeps it alive.
bool namespace_held(const std::string& link);

struct NetNamespace {
  Fd net;
  Fd uts;              // only with a host name
  NetSockets sockets;  // made inside: they act on it
};

// A new network namespace, and with a non-empty `hostname` a UTS namespace
// with that host name. The first step that fails throws before anything is
// done to the namespaces this thread was in.
NetNamespace make_net_namespace(const std::string& hostname);

// A mount namespace for processes of the network namespace `net_fd`: the
// file `hosts_file` on /etc/hosts, and a sysfs of that network namespace on
// /sys (so /sys/class/net lists the host's links) with /sys/fs/cgroup bound
// back. Made by a short-lived child, since unshare(CLONE_NEWNS) would change
// the caller's own view.
Fd make_mount_namespace(const std::string& hosts_file, int net_fd);

}  // namespace launchcheck
