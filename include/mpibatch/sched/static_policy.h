#pragma once
/// \file The static policy: contiguous blocks of items, balanced by cost.

#include "mpibatch/sched/policy.h"

namespace mpibatch::sched {

/// Boundaries of `parts` contiguous blocks over items with these costs: block p is
/// [starts[p], starts[p+1]), starts has parts+1 entries, starts[0] = 0, starts[parts] = n.
/// Block p ends at the item boundary nearest to the cost prefix (p+1)/parts of the total, so
/// every block's cost is within one item's cost of total/parts.
std::vector<ItemIndex> balanced_block_starts(const std::vector<double>& costs, int parts);

class StaticPolicy final : public Policy {
 public:
  std::string name() const override { return "static"; }
  bool is_static() const override { return true; }
  void start(const std::vector<double>& item_costs, int ranks) override;
  /// The rank's whole block the first time, then empty.
  std::vector<ItemIndex> next(int rank, double now) override;
  void finished(int, const std::vector<ItemIndex>&, double) override {}

 private:
  std::vector<ItemIndex> starts_;
  std::vector<bool> handed_out_;
};

}  // namespace mpibatch::sched
