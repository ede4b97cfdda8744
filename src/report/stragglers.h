#pragma once
/// \file find_stragglers(): which ranks finished late, and the most likely reason.

#include <vector>

#include "mpibatch/report/analysis.h"

namespace mpibatch::report {

/// Ranks that ended later than the mean end of the others by more than 5% of the makespan,
/// latest first (at most 3). Needs the rank figures, work and makespan of `a` filled in.
/// The cause, checked in this order:
///   huge_item      its longest item is over half its lateness and 4x the median item
///   slow_device    its speed is under 2/3 of the fastest other rank's
///   io_wait        its read + model load + write time is over half its lateness
///   too_much_work  none of these: it got more than its share of the work
std::vector<Straggler> find_stragglers(const Analysis& a, const std::vector<io::ItemRecord>& items);

}  // namespace mpibatch::report
