// JSON text as Python's json.dumps writes it (", " and ": " separators,
// non-ASCII as \uXXXX), for what refrun writes where torchelastic would:
// the launcher's error file and the event log handler's lines. Consumers
// that grep those lines see the same spacing as with torchrun.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace refrun {

std::string python_json_dumps(const nlohmann::ordered_json& value);

}  // namespace refrun
