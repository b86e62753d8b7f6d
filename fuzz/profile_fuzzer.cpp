// libFuzzer target: a launcher profile (harness/profiles/*.json format).
// Bad input must be a std::runtime_error naming the file.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "json_reader.h"
#include "profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    launchcheck::parse_profile(launchcheck::parse_json_text(text, "fuzz.json"), "/p/fuzz.json",
                               "/b");
  } catch (const std::runtime_error&) {
  }
  return 0;
}
