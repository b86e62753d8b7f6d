// The compatibility matrix: scenario x launcher profile as a Markdown table,
// each cell pass, fail with the reason, or skip with the reason.
#pragma once

#include <string>
#include <vector>

#include "result.h"

struct MatrixColumn {
  std::string profile;
  std::vector<ScenarioResult> results;
};

// One row per scenario id seen in any column, sorted; a legend and per-column
// totals follow the table.
std::string matrix_markdown(const std::vector<MatrixColumn>& columns);

// The text of one cell (no Markdown escaping needed by the caller).
std::string matrix_cell(const ScenarioResult& r);
