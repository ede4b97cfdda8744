#pragma once
/// \file The dynamic policy: a queue on rank 0, largest items first, shrinking chunks.
///
/// NOTE [dynamic chunks]: items are handed out in decreasing cost within `windows` windows of
/// reading order (each about 1/windows of the total cost), so rank 0 holds only the chapters
/// of about one window in memory while still ending the job on the smallest items.
/// - Calibration: a rank that has not reported yet gets one item from the cheap end of the
///   queue per request, so a slow rank costs little to measure; a second one (its prefetch)
///   only while the queue holds more items than there are ranks still waiting for their first.
///   Unknown speeds count as the mean of the known ones (1 when none is known).
/// - Guided chunks: a measured rank's chunk is its share of the queued cost by speed, divided
///   by `chunk_divisor` (guided self-scheduling weighted by measured speed: chunks shrink as
///   the queue drains, fast ranks get larger ones), at least one item.
/// - Slow start: a chunk costs at most `growth` times what the rank has finished so far. The
///   first speeds come from single items and guesses; without the cap, a slow rank measured
///   first (rank 0 is, having no latency) would be handed a guided chunk sized as if it were
///   as fast as the others (bench_hetero_sim: 4.8x the lower bound instead of 1.01).
/// - Hold-back: a rank is given no more work when it would finish its outstanding work and
///   the chunk later than the other ranks would finish everything still outstanding and
///   queued without it (from measured speeds): a slow rank never holds the job back at the end.

#include <cstddef>
#include <vector>

#include "mpibatch/sched/policy.h"
#include "mpibatch/sched/speed_meter.h"

namespace mpibatch::sched {

struct DynamicOptions {
  double chunk_divisor = 2.0;  ///< >= 1; larger: smaller chunks, more requests
  int windows = 4;             ///< >= 1; 1 = strictly largest first over the whole job
  double growth = 2.0;         ///< > 0; a chunk costs at most this times the rank's done work
  /// A chunk takes at least this long at the rank's speed (fewer requests for rank 0 to
  /// serve at the end of a job on many ranks); 0 = one item is enough.
  double min_chunk_s = 0.0;
  bool hold_back_slow_ranks = true;
};

/// The min_chunk_s for `ranks` ranks when each request and each report takes rank 0
/// `message_s` to handle: 8 x message_s x ranks. Each rank sends two messages per chunk, so
/// chunks at least that long keep rank 0 at most a quarter busy serving (docs/scheduling.md).
double min_chunk_for(int ranks, double message_s);

class DynamicPolicy final : public Policy {
 public:
  explicit DynamicPolicy(DynamicOptions options = {});
  std::string name() const override { return "dynamic"; }
  bool is_static() const override { return false; }
  void start(const std::vector<double>& item_costs, int ranks) override;
  std::vector<ItemIndex> next(int rank, double now) override;
  void finished(int rank, const std::vector<ItemIndex>& items, double seconds) override;
  void leave(int rank) override;

  /// Cost per second measured for `rank`; 0 until it reported work.
  double measured_speed(int rank) const;

 private:
  double speed_or_guess(std::size_t rank) const;
  double active_speed() const;  ///< of the ranks not retired, unknown ones guessed
  bool would_hold_back(std::size_t rank, double chunk_cost, double now) const;
  void retire(std::size_t rank);
  /// `cost` leaves the queue and becomes `rank`'s outstanding work.
  void charge(std::size_t rank, double cost);

  DynamicOptions options_;
  std::vector<double> costs_;
  std::vector<ItemIndex> order_;  ///< by cost, largest first
  std::size_t cursor_ = 0;        ///< queue = order_[cursor_, back_)
  std::size_t back_ = 0;
  double queued_cost_ = 0.0;  ///< cost of the queue
  std::size_t unserved_ = 0;  ///< ranks never given work
  struct RankState {
    SpeedMeter meter;
    double outstanding_cost = 0.0;  ///< handed out, not reported
    bool retired = false;           ///< given no more work (NOTE [dynamic chunks])
    bool served = false;            ///< has been given work
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
