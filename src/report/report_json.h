#pragma once
/// \file The JSON form of an Analysis (schema "mpibatch-report/1", docs/reports.md), shared by
/// render_json and the data embedded in the HTML page.

#include <nlohmann/json.hpp>

#include "mpibatch/report/analysis.h"

namespace mpibatch::report {

inline constexpr const char* kReportSchema = "mpibatch-report/1";

/// Every figure of one run; the timeline's bars as arrays
/// [start, end, first_item, last_item, chapter, items, failed]. NaN becomes null.
nlohmann::ordered_json run_json(const Analysis& a);
/// The timeline alone (times rounded to microseconds).
nlohmann::ordered_json timeline_json(const Timeline& t);
/// {"figure", "a", "b", "ratio"} rows of summary_figures() for two runs.
nlohmann::ordered_json comparison_json(const Analysis& a, const Analysis& b);

}  // namespace mpibatch::report
