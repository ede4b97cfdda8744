#pragma once
/// \file Renderers of an Analysis: text (terminal), CSV, JSON (stable, docs/reports.md) and one
/// self-contained HTML file. Each takes one run, or two for a side-by-side comparison.

#include <ostream>
#include <string>
#include <vector>

#include "mpibatch/report/analysis.h"

namespace mpibatch::report {

/// One headline number of a run, as compared between runs ("makespan_s", 12.5).
struct Figure {
  std::string name;  ///< stable key, also the JSON and CSV name
  double value = 0.0;
  bool lower_is_better = false;  ///< for reading ratios: makespan, imbalance
};
/// The run-summary figures, in display order; the same list for every run.
std::vector<Figure> summary_figures(const Analysis& a);
/// "rank 2 at 0.25, rank 3 at 0.5": ranks slowed by runtime.simulate_speed; empty for a real run.
std::string simulated_ranks(const std::vector<RankFigures>& ranks);
/// b / a, or NaN when a is 0.
double ratio(double a, double b);

void render_text(const std::vector<Analysis>& runs, std::ostream& out);
/// `table`: summary | ranks | items (the slowest) | epochs. Throws UsageError for another.
void render_csv(const std::vector<Analysis>& runs, const std::string& table, std::ostream& out);
void render_json(const std::vector<Analysis>& runs, std::ostream& out);
void render_html(const std::vector<Analysis>& runs, std::ostream& out);

}  // namespace mpibatch::report
