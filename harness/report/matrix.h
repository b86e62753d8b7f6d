// `launchcheck matrix`: a Markdown table, one row per scenario id, one column
// per profile, each cell the verdict (and why, for anything but a pass), then
// a totals row.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "result.h"

namespace launchcheck {

std::string matrix_markdown(
    const std::vector<std::string>& ids,
    const std::vector<std::pair<std::string, std::vector<ScenarioResult>>>& columns);

}  // namespace launchcheck
