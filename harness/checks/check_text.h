// Text helpers of the checks: what a check reads (consoles, files named by
// globs) and how failures quote it.
#pragma once

#include <string>
#include <vector>

#include "run_record.h"

namespace launchcheck {

std::string join(const std::vector<int>& v);  // "[0,1,2]"
std::vector<std::string> lines_of(const std::string& text);
// The first n characters and "..." when longer.
std::string clip(const std::string& s, size_t n = 300);
// The console text a check looks at: one node or all (""), one stream
// (stdout, stderr) or both.
std::string console_text(const RunRecord& run, const std::string& node, const std::string& stream);
// The files matching a glob, concatenated (read now, after the run).
std::string glob_text(const std::string& pattern);
std::vector<std::string> glob_paths(const std::string& pattern);

}  // namespace launchcheck
