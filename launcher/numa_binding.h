// --numa-binding (node, socket, exclusive, core-complex): upstream binds
// each worker to the CPUs and memory of the NUMA node of its GPU (GPU index
// = local rank) through numactl, and fails the agent (exit 1) when there is
// no such GPU. refrun:
//  - fewer GPUs than workers: the same failure, as one line before anything
//    starts (exit 1);
//  - every worker has a GPU and the machine has one NUMA node: nothing to
//    do (every CPU and all memory are already that node's), so the job runs
//    unbound;
//  - several NUMA nodes: refrun cannot map GPUs to nodes (it does not read
//    PCI topology), so it refuses in one line (exit 1) rather than run
//    unbound while claiming a binding.
#pragma once

#include <string>

namespace refrun {

// Online NUMA nodes (/sys/devices/system/node/online); 1 when not known.
int numa_node_count();
// Throws LaunchError when `mode` cannot be honoured; "" mode: no binding.
void check_numa_binding(const std::string& mode, int nproc, int gpus, int numa_nodes);

}  // namespace refrun
