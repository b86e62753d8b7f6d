// --duplicate-stdout-filters / --duplicate-stderr-filters: one file per
// attempt and stream (<run dir>/attempt_N/filtered_std{out,err}.log), shared
// by every tee'd worker of that stream, holding each tee'd line that
// contains any of the filters, prefixed as on the console (upstream's
// TailLog with log_line_filter). Created even when nothing matches.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace refrun {

class FilteredLog {
 public:
  // Truncates or creates `path`; throws std::runtime_error naming it.
  FilteredLog(const std::string& path, std::vector<std::string> filters);
  ~FilteredLog();
  FilteredLog(const FilteredLog&) = delete;
  FilteredLog& operator=(const FilteredLog&) = delete;

  // Case-sensitive substring match on the line's bytes (upstream: `needle
  // in line`; "" matches every line).
  bool matches(std::string_view line) const;
  // Writes prefix + line (which ends with its newline) when it matches.
  void offer(std::string_view prefix, std::string_view line);

 private:
  int fd_;
  std::vector<std::string> filters_;
};

// The attempt's file for one stream, or nullptr when `filters` is empty.
std::shared_ptr<FilteredLog> open_filtered_log(const std::string& attempt_dir,
                                               const std::string& stream,
                                               const std::vector<std::string>& filters);

}  // namespace refrun
