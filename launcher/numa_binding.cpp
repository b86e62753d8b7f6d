#include "numa_binding.h"

#include <fstream>

#include "common/text.h"
#include "options.h"

namespace refrun {

// "0", "0-3", "0-1,4": a kernel cpulist-style range list.
int numa_node_count() {
  std::ifstream in("/sys/devices/system/node/online");
  std::string list;
  if (!std::getline(in, list)) return 1;
  int count = 0;
  for (const std::string& part : common::split(common::trim(list), ',')) {
    auto dash = part.find('-');
    int lo = 0, hi = 0;
    if (dash == std::string::npos) {
      if (!common::parse_int(part, lo)) return 1;
      hi = lo;
    } else if (!common::parse_int(part.substr(0, dash), lo) ||
               !common::parse_int(part.substr(dash + 1), hi) || hi < lo) {
      return 1;
    }
    count += hi - lo + 1;
  }
  return count > 0 ? count : 1;
}

void check_numa_binding(const std::string& mode, int nproc, int gpus, int numa_nodes) {
  if (mode.empty()) return;
  std::string opt = "--numa-binding=" + mode;
  if (gpus < nproc)
    throw LaunchError(opt + ": binds each worker to the NUMA node of its GPU (GPU index = local "
                            "rank), but there " +
                      (gpus == 1 ? std::string("is 1 CUDA device") :
                                   "are " + std::to_string(gpus) + " CUDA devices") +
                      " for " + std::to_string(nproc) + " worker(s)");
  if (numa_nodes > 1)
    throw LaunchError(opt + ": this machine has " + std::to_string(numa_nodes) +
                      " NUMA nodes and refrun cannot tell which one each GPU is attached to; "
                      "run without --numa-binding (or bind with numactl yourself)");
}

}  // namespace refrun
