#include "nproc.h"

#include <dlfcn.h>
#include <sched.h>
#include <unistd.h>

#include "common/text.h"

namespace refrun {

int cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

int cuda_device_count() {
  // The driver API: cuInit(0), cuDeviceGetCount(&n); CUresult 0 is success.
  void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return 0;
  using InitFn = int (*)(unsigned);
  using CountFn = int (*)(int*);
  auto init = reinterpret_cast<InitFn>(dlsym(lib, "cuInit"));
  auto count = reinterpret_cast<CountFn>(dlsym(lib, "cuDeviceGetCount"));
  int n = 0;
  if (!init || !count || init(0) != 0 || count(&n) != 0) n = 0;
  // The library stays loaded: unloading CUDA's driver is known to be unsafe.
  return n;
}

static int override_or(const Environment& env, const char* name, int (*detect)()) {
  auto it = env.find(name);
  int n = 0;
  if (it != env.end()) {
    if (!common::parse_int(common::trim(it->second), n) || n < 0)
      throw UsageError(std::string(name) + " " + it->second + ": not a device count");
    return n;
  }
  return detect ? detect() : 0;
}

int gpu_count(const Environment& env) {
  return override_or(env, "REFRUN_GPU_COUNT", cuda_device_count);
}

int resolve_nproc(const std::string& raw, const Environment& env) {
  std::string value = common::trim(raw);
  int n = 0;
  if (common::parse_int(value, n)) {
    if (n < 1) throw UsageError("--nproc-per-node " + raw + ": must be at least 1");
    return n;
  }
  if (value == "cpu") return cpu_count();
  if (value == "gpu") {
    n = override_or(env, "REFRUN_GPU_COUNT", cuda_device_count);
    if (n == 0)
      throw UsageError("--nproc-per-node gpu: Cuda is not available (no CUDA device found)");
    return n;
  }
  if (value == "xpu") {
    // refrun has no XPU runtime to ask; only the override can supply a count.
    n = override_or(env, "REFRUN_XPU_COUNT", nullptr);
    if (n == 0)
      throw UsageError("--nproc-per-node xpu: Xpu is not available (refrun cannot detect XPUs)");
    return n;
  }
  if (value == "auto") {
    n = override_or(env, "REFRUN_GPU_COUNT", cuda_device_count);
    if (n > 0) return n;
    n = override_or(env, "REFRUN_XPU_COUNT", nullptr);
    if (n > 0) return n;
    return cpu_count();
  }
  throw UsageError("--nproc-per-node " + raw + ": Unsupported nproc_per_node value");
}

}  // namespace refrun
