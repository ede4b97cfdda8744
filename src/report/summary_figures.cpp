#include <fmt/format.h>

#include <limits>

#include "mpibatch/report/render.h"

namespace mpibatch::report {

std::vector<Figure> summary_figures(const Analysis& a) {
  const auto n = [](std::uint64_t v) { return static_cast<double>(v); };
  return {
      {"ranks", n(a.ranks.size()), false},
      {"wall_s", a.wall_s, true},
      {"makespan_s", a.makespan_s, true},
      {"items", n(a.items), false},
      {"ok", n(a.ok), false},
      {"failed", n(a.failed), true},
      {"skipped", n(a.skipped), true},
      {"computed", n(a.computed), false},
      {"throughput", a.throughput, false},
      {"mean_busy_s", a.balance.mean_busy_s, true},
      {"max_busy_s", a.balance.max_busy_s, true},
      {"balance", a.balance.balance, false},
      {"imbalance", a.balance.imbalance, true},
      {"cv", a.balance.cv, true},
      {"lower_bound_s", a.lower_bound_s, true},
      {"efficiency", a.efficiency, false},
  };
}

std::string simulated_ranks(const std::vector<RankFigures>& ranks) {
  std::string text;
  for (const RankFigures& f : ranks) {
    if (f.simulated_speed == 1.0) continue;
    text += (text.empty() ? "" : ", ") + fmt::format("rank {} at {:g}", f.rank, f.simulated_speed);
  }
  return text;
}

double ratio(double a, double b) {
  return a != 0 ? b / a : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace mpibatch::report
