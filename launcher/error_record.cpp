#include "error_record.h"

#include <cmath>
#include <fstream>

namespace refrun {

using nlohmann::ordered_json;

namespace {

ErrorFile unreadable(const std::string& why) {
  ErrorFile f;
  f.status = ErrorFile::Status::kUnreadable;
  f.problem = why;
  return f;
}

// Upstream: int(value). A JSON number or a string holding one.
bool timestamp_of(const ordered_json& v, double& out) {
  if (v.is_number()) {
    out = std::floor(v.get<double>());
    return std::isfinite(out);
  }
  if (!v.is_string()) return false;
  std::string s = v.get<std::string>();
  size_t used = 0;
  try {
    out = std::floor(std::stod(s, &used));
  } catch (const std::exception&) {
    return false;
  }
  return used == s.size() && std::isfinite(out);
}

std::string string_field(const ordered_json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

ErrorFile parse_error_record(const std::string& text) {
  ordered_json j = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return unreadable("not JSON");
  if (!j.is_object() || !j.contains("message"))
    return unreadable("no \"message\" (not a torchelastic error record)");
  ErrorFile f;
  f.status = ErrorFile::Status::kRecord;
  ErrorRecord& r = f.record;
  const ordered_json& m = j["message"];
  if (m.is_string()) {
    r.message = m.get<std::string>();
    r.traceback = r.message;
    if (j.contains("timestamp") && !timestamp_of(j["timestamp"], r.timestamp))
      return unreadable("\"timestamp\" is not a number of seconds");
  } else if (m.is_object()) {
    r.message = string_field(m, "message");
    auto extra = m.find("extraInfo");
    if (extra == m.end() || !extra->is_object() || !extra->contains("timestamp"))
      return unreadable("no \"message.extraInfo.timestamp\"");
    if (!timestamp_of((*extra)["timestamp"], r.timestamp))
      return unreadable("\"message.extraInfo.timestamp\" is not a number of seconds");
    r.traceback = string_field(*extra, "py_callstack");
    if (r.traceback.empty()) r.traceback = r.message;
  } else {
    return unreadable("\"message\" is neither a string nor an object");
  }
  if (r.traceback.empty()) r.traceback = "<N/A>";
  r.data = std::move(j);
  r.text = text;
  return f;
}

ErrorFile read_error_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  // A record is a few KiB; a worker must not make refrun read gigabytes.
  constexpr std::streamsize kMax = 16 << 20;
  std::string text(kMax + 1, '\0');
  in.read(text.data(), kMax + 1);
  if (in.gcount() > kMax) return unreadable("larger than 16 MiB");
  text.resize(static_cast<size_t>(in.gcount()));
  return parse_error_record(text);
}

}  // namespace refrun
