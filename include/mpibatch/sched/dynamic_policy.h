#pragma once
/// \file The dynamic policy: a queue on rank 0, largest items first, shrinking chunks.
///
/// NOTE [dynamic chunks]: items are handed out in decreasing cost. A rank's chunk is its
/// share of the remaining cost by speed, divided by `chunk_divisor` (guided self-scheduling
/// weighted by measured speed, so chunks shrink as the queue drains and fast ranks get
/// larger ones), at least one item. A rank that has not reported yet gets one item from the
/// cheap end of the queue, to measure its speed at little cost; other ranks' unknown speeds
/// count as the mean of the known ones (1 when none is known).
/// A rank is given no more work when it would finish its chunk later than the other ranks
/// would finish everything still outstanding without it (predicted from measured speeds):
/// a slow rank never holds the job back at the end.

#include <cstddef>
#include <vector>

#include "mpibatch/sched/policy.h"

namespace mpibatch::sched {

struct DynamicOptions {
  double chunk_divisor = 2.0;  ///< >= 1; larger: smaller chunks, more requests
  bool hold_back_slow_ranks = true;
};

class DynamicPolicy final : public Policy {
 public:
  explicit DynamicPolicy(DynamicOptions options = {});
  std::string name() const override { return "dynamic"; }
  bool is_static() const override { return false; }
  void start(const std::vector<double>& item_costs, int ranks) override;
  std::vector<ItemIndex> next(int rank, double now) override;
  void finished(int rank, const std::vector<ItemIndex>& items, double seconds) override;

  /// Cost per second measured for `rank`; 0 until it reported work.
  double measured_speed(int rank) const;

 private:
  double speed_or_guess(std::size_t rank) const;
  double active_speed() const;  ///< of the ranks not retired, unknown ones guessed
  bool would_hold_back(std::size_t rank, double chunk_cost, double now) const;
  void retire(std::size_t rank);

  DynamicOptions options_;
  std::vector<double> costs_;
  std::vector<ItemIndex> order_;  ///< by cost, largest first
  std::size_t cursor_ = 0;        ///< queue = order_[cursor_, back_)
  std::size_t back_ = 0;
  double queued_cost_ = 0.0;  ///< cost of the queue
  struct RankState {
    double done_cost = 0.0;
    double busy_s = 0.0;
    double speed = 0.0;             ///< done_cost / busy_s; 0 = not measured yet
    double outstanding_cost = 0.0;  ///< handed out, not reported
    bool retired = false;           ///< given no more work (NOTE [dynamic chunks])
  };
  std::vector<RankState> ranks_;
  // Sums kept up to date so that next() is O(chunk), not O(ranks): 4,096 ranks simulate fast.
  struct {
    double speed_sum = 0.0;  ///< of measured ranks
    std::size_t count = 0;
  } known_;
  struct {
    double speed_sum = 0.0;   ///< of measured ranks not retired
    std::size_t unknown = 0;  ///< ranks not retired and not measured
    double outstanding = 0.0;
  } active_;
};

}  // namespace mpibatch::sched
