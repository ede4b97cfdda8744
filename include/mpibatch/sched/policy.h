#pragma once
/// \file Scheduling policies: pure logic deciding which rank runs which items.
///
/// A policy is a state machine without I/O, driven by rank 0's dispatcher in a real run
/// (pipeline/dispatcher.h) and by the simulator (sched/simulator.h): start() with every item's
/// cost estimate, then next(rank, now) whenever a rank asks for work and finished() when it
/// reports a chunk done. A rank asks for its next chunk as soon as it starts one (prefetch), so
/// next(rank) may come while that rank's previous chunk is still outstanding. next() returning
/// an empty list means "no more work for this rank", for good. Static policies decide
/// everything in start(), so --dry-run can show every rank's share.
/// \code
///   auto policy = make_policy("dynamic");
///   policy->start(costs, world_size);
///   std::vector<ItemIndex> chunk = policy->next(rank, now);   // on each request
///   policy->finished(rank, chunk, seconds);                   // on each report
/// \endcode
/// Not thread-safe.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace mpibatch::sched {

using ItemIndex = std::size_t;

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string name() const = 0;
  /// True when next(r) called once per rank at the start gives each rank its whole share.
  virtual bool is_static() const = 0;
  /// Resets the policy for `ranks` ranks and items with these relative costs (> 0).
  virtual void start(const std::vector<double>& item_costs, int ranks) = 0;
  /// Items for `rank`, ascending; empty when it has no more work. `now` in seconds.
  virtual std::vector<ItemIndex> next(int rank, double now) = 0;
  /// `rank` finished `items` in `seconds` of compute.
  virtual void finished(int rank, const std::vector<ItemIndex>& items, double seconds) = 0;
  /// `rank` asks for no more work (its model keeps failing); it will not call next() again and
  /// the items not handed out yet must go to the other ranks. The default suits policies that
  /// hand a rank its whole share at its first request.
  virtual void leave(int /*rank*/) {}
};

/// What make_policy passes on to the policies that use it.
struct PolicyOptions {
  std::vector<double> rank_weights;   ///< weighted: relative speeds, one per rank; empty = measure
  std::size_t calibration_items = 8;  ///< weighted: items per calibration chunk
  double min_chunk_s = 0.0;           ///< dynamic: shortest chunk (DynamicOptions)
};

/// The policy for `runtime.schedule`; throws ConfigError for an unknown name.
std::unique_ptr<Policy> make_policy(const std::string& name, const PolicyOptions& options = {});

/// Names accepted by make_policy, for messages and docs.
std::vector<std::string> policy_names();

}  // namespace mpibatch::sched
