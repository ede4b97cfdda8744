#pragma once
/// \file The weighted policy: items by size x rank speed, longest first onto the rank that
/// finishes them earliest.
///
/// NOTE [weighted calibration]: without `rank_weights` each rank's speed is measured first.
/// A rank's first chunk is `calibration_items` items from around the median cost (a typical
/// sample; ranks get neighbouring, distinct items). A rank that asks again before every rank
/// has reported its first chunk is kept busy from the cheap end of the queue:
/// `calibration_items` items once it is measured, one item while its first chunk still runs
/// (prefetch), so a slow rank holds little work hostage. When the last rank reports its first
/// chunk, lpt_assign splits everything still queued, each rank starting at the time its
/// outstanding work will take at its measured speed; each rank then gets its share once.
/// A rank that leaves before taking its share puts it back for the ranks still asking.

#include <cstddef>
#include <vector>

#include "mpibatch/sched/policy.h"
#include "mpibatch/sched/speed_meter.h"

namespace mpibatch::sched {

/// Longest processing time first on ranks of different speeds: `items` (indices into `costs`)
/// in decreasing cost (ties: lower index first) each go to the rank r that finishes it
/// earliest, argmin of ready_at[r] + cost / speeds[r] (ties: lower rank), whose ready_at then
/// advances. Returns each rank's items, ascending. Requires speeds > 0 and
/// ready_at.size() == speeds.size() (std::invalid_argument otherwise).
///
/// NOTE [lpt groups]: ranks whose speeds fall in the same 1%-wide log-scale bucket form a
/// group with one min-heap by (ready_at, rank); per item only each group's top rank is
/// compared, using that rank's own speed. O(items x (groups + log ranks)): 1,000,000 items on
/// 4,096 ranks of 2 speeds take well under a second. Exact when speeds within a group are
/// equal; otherwise the chosen rank may finish an item up to ~1% of its time on that rank
/// later than the best one.
std::vector<std::vector<ItemIndex>> lpt_assign(const std::vector<double>& costs,
                                               const std::vector<ItemIndex>& items,
                                               const std::vector<double>& speeds,
                                               std::vector<double> ready_at);

struct WeightedOptions {
  std::vector<double> rank_weights;   ///< relative speeds, one per rank; empty = calibrate
  std::size_t calibration_items = 8;  ///< per calibration chunk; the pipeline passes its batch size
};

class WeightedPolicy final : public Policy {
 public:
  explicit WeightedPolicy(WeightedOptions options = {});
  std::string name() const override { return "weighted"; }
  /// True with rank_weights: start() then decides every rank's share.
  bool is_static() const override { return !options_.rank_weights.empty(); }
  /// Throws ConfigError when rank_weights are given but not one per rank, or not all > 0.
  void start(const std::vector<double>& item_costs, int ranks) override;
  std::vector<ItemIndex> next(int rank, double now) override;
  void finished(int rank, const std::vector<ItemIndex>& items, double seconds) override;
  void leave(int rank) override;

  /// Cost per second measured for `rank`; 0 until it reported work.
  double measured_speed(int rank) const;

 private:
  void check_weights(int ranks) const;
  std::vector<ItemIndex> take_from_middle(std::size_t count);
  std::vector<ItemIndex> take_from_cheap_end(std::size_t count);
  void take(std::size_t position, std::vector<ItemIndex>& chunk);
  void plan();  ///< lpt_assign over the queue, onto the ranks still here
  std::vector<ItemIndex> hand_out(std::size_t rank, std::vector<ItemIndex> chunk);

  WeightedOptions options_;
  std::vector<double> costs_;
  // The calibration queue: order_ by cost, cheapest first; taken_ by position in order_.
  std::vector<ItemIndex> order_;
  std::vector<bool> taken_;
  std::size_t queued_ = 0;     ///< positions not taken
  std::size_t cheap_ = 0;      ///< every position below is taken
  std::size_t middle_lo_ = 0;  ///< [middle_lo_, middle_hi_) is taken, grows around the median
  std::size_t middle_hi_ = 0;
  bool planned_ = false;        ///< shares_ decided
  std::size_t unmeasured_ = 0;  ///< ranks still here that have not reported yet
  std::vector<std::vector<ItemIndex>> shares_;
  std::vector<ItemIndex> leftover_;  ///< shares of ranks that left before taking them
  struct RankState {
    SpeedMeter meter;
    double outstanding_cost = 0.0;
    std::size_t outstanding_items = 0;
    bool share_taken = false;
    bool left = false;
  };
  std::vector<RankState> ranks_;
};

}  // namespace mpibatch::sched
