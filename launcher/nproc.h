// --nproc-per-node: an integer, or counted from the machine (cpu, gpu, xpu,
// auto). REFRUN_GPU_COUNT / REFRUN_XPU_COUNT replace device detection so
// tests can exercise the gpu/xpu/auto paths on CPU-only machines.
#pragma once

#include <string>

#include "options.h"

namespace refrun {

// Online CPUs this process may run on (its affinity mask).
int cpu_count();
// CUDA devices the driver reports (it honours CUDA_VISIBLE_DEVICES); 0 when
// there is no driver or no device. The driver is loaded at run time.
int cuda_device_count();

// REFRUN_GPU_COUNT if set, else cuda_device_count().
int gpu_count(const Environment& env);

// Throws UsageError("--nproc-per-node <value>: ...") on a bad value or when
// the asked-for devices are absent.
int resolve_nproc(const std::string& value, const Environment& env);

}  // namespace refrun
