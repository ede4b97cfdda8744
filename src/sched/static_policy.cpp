#include "mpibatch/sched/static_policy.h"

#include <cmath>
#include <numeric>

namespace mpibatch::sched {

std::vector<ItemIndex> balanced_block_starts(const std::vector<double>& costs, int parts) {
  const std::size_t n = costs.size();
  std::vector<double> prefix(n + 1, 0.0);
  std::partial_sum(costs.begin(), costs.end(), prefix.begin() + 1);
  const double total = prefix[n];

  std::vector<ItemIndex> starts(static_cast<std::size_t>(parts) + 1, 0);
  starts[static_cast<std::size_t>(parts)] = n;
  ItemIndex cursor = 0;
  for (int p = 1; p < parts; ++p) {
    const double target = total * p / parts;
    // First boundary at or past the target, then step back if the previous one is nearer.
    while (cursor < n && prefix[cursor] < target) ++cursor;
    if (cursor > starts[p - 1] && target - prefix[cursor - 1] < prefix[cursor] - target) --cursor;
    starts[static_cast<std::size_t>(p)] = std::max(cursor, starts[p - 1]);
  }
  return starts;
}

void StaticPolicy::start(const std::vector<double>& item_costs, int ranks) {
  starts_ = balanced_block_starts(item_costs, ranks);
  handed_out_.assign(static_cast<std::size_t>(ranks), false);
}

std::vector<ItemIndex> StaticPolicy::next(int rank, double) {
  const auto r = static_cast<std::size_t>(rank);
  if (r >= handed_out_.size() || handed_out_[r]) return {};
  handed_out_[r] = true;
  std::vector<ItemIndex> block(starts_[r + 1] - starts_[r]);
  std::iota(block.begin(), block.end(), starts_[r]);
  return block;
}

}  // namespace mpibatch::sched
