#include "py_json.h"

namespace refrun {

std::string python_json_dumps(const nlohmann::ordered_json& value) {
  using nlohmann::ordered_json;
  if (value.is_object()) {
    std::string out = "{";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += ordered_json(it.key()).dump(-1, ' ', true) + ": " + python_json_dumps(it.value());
    }
    return out + "}";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i)
      out += (i ? ", " : "") + python_json_dumps(value[i]);
    return out + "]";
  }
  // Invalid UTF-8 cannot come from a parsed document; replace it anyway
  // rather than throw from a report.
  return value.dump(-1, ' ', true, ordered_json::error_handler_t::replace);
}

}  // namespace refrun
