#include "filtered_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "output_pump.h"

namespace refrun {

FilteredLog::FilteredLog(const std::string& path, std::vector<std::string> filters)
    : fd_(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)),
      filters_(std::move(filters)) {
  if (fd_ < 0) throw std::runtime_error("cannot open " + path + ": " + strerror(errno));
}

FilteredLog::~FilteredLog() {
  if (fd_ >= 0) close(fd_);
}

bool FilteredLog::matches(std::string_view line) const {
  for (const std::string& f : filters_)
    if (line.find(f) != std::string_view::npos) return true;
  return false;
}

void FilteredLog::offer(std::string_view prefix, std::string_view line) {
  if (!matches(line)) return;
  std::string out;
  out.reserve(prefix.size() + line.size());
  out.append(prefix).append(line);
  write_all(fd_, out.data(), out.size());
}

std::shared_ptr<FilteredLog> open_filtered_log(const std::string& attempt_dir,
                                               const std::string& stream,
                                               const std::vector<std::string>& filters) {
  if (filters.empty()) return nullptr;
  return std::make_shared<FilteredLog>(attempt_dir + "/filtered_" + stream + ".log", filters);
}

}  // namespace refrun
