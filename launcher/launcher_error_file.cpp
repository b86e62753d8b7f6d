#include "launcher_error_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "output_pump.h"
#include "py_json.h"

namespace refrun {

std::string root_cause_record(const ErrorFile& root, int exitcode) {
  if (root.status != ErrorFile::Status::kRecord) return "";
  const ErrorRecord& r = root.record;
  // Upstream warns "has a new message format. skipping error code override"
  // and copies a string message unchanged.
  if (!r.data["message"].is_object()) return r.text;
  nlohmann::ordered_json data = r.data;
  data["message"]["errorCode"] = exitcode;
  return python_json_dumps(data);
}

std::string agent_error_record(const std::string& type, const std::string& what,
                               const std::string& callstack, long unix_seconds) {
  nlohmann::ordered_json extra;
  extra["py_callstack"] = callstack;
  extra["timestamp"] = std::to_string(unix_seconds);
  nlohmann::ordered_json message;
  message["message"] = type + ": " + what;
  message["extraInfo"] = extra;
  nlohmann::ordered_json record;
  record["message"] = message;
  return python_json_dumps(record);
}

std::string write_error_file(const std::string& path, const std::string& content) {
  // Upstream removes the old file first (ErrorHandler._rm).
  unlink(path.c_str());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return strerror(errno);
  write_all(fd, content.data(), content.size());
  close(fd);
  return "";
}

}  // namespace refrun
