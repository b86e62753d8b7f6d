// libFuzzer target: a worker's error record (TORCHELASTIC_ERROR_FILE) as
// refrun reads it for the failure summary, and the summary built from it.
// A worker writes this file: any bytes must give a summary, never a crash
// or an overflow.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "failure_summary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  refrun::parse_error_record(text);
  // The summary reads the file itself, as refrun does.
  static const std::string path = "/tmp/refrun_fuzz_error_" + std::to_string(getpid()) + ".json";
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  refrun::WorkerFailure w{3, 1, -9, 1234, 1700000000.0, path};
  refrun::WorkerFailure other{0, 0, 1, 1235, 1700000001.0, path};
  refrun::format_failure_summary("train.py", {w, other}, "host");
  return 0;
}
