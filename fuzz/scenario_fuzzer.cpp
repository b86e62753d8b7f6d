// libFuzzer target: a scenario file, read as `launchcheck validate` reads it
// (model + the checks' expect readers) and then resolved as before a run.
// Bad input must be a std::runtime_error naming the file; nothing may
// crash, hang or overflow.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "registry.h"
#include "resolved_scenario.h"
#include "scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    launchcheck::Scenario s = launchcheck::parse_scenario(
        launchcheck::parse_json_text(text, "fuzz.json"), "fuzz/s.json", launchcheck::read_expect);
    int next_port = 20000;
    launchcheck::Placeholders ph{{{"tmp", "/tmp/fuzz"}, {"build", "/b"}, {"rdzv_id", "id"}},
                                 [&] { return next_port++; }};
    launchcheck::resolve_scenario(s, ph, launchcheck::read_expect);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
