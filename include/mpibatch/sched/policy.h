#pragma once
/// \file Scheduling policies: pure logic deciding which rank runs which items.
///
/// A policy is a state machine without I/O, driven by rank 0's pipeline (and later by the
/// simulator): start() with every item's cost estimate, then next(rank) whenever a rank
/// wants work and finished() when it reports. next() returning an empty list means "no more
/// work for this rank". Static policies decide everything in start(), so the pipeline
/// scatters every rank's share in one collective.
/// \code
///   auto policy = make_policy("static");
///   policy->start(costs, world_size);
///   for (int r = 0; r < world_size; ++r) shares[r] = policy->next(r, 0.0);
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
};

/// The policy for `runtime.schedule`; throws ConfigError for an unknown name.
std::unique_ptr<Policy> make_policy(const std::string& name);

/// Names accepted by make_policy, for messages and docs.
std::vector<std::string> policy_names();

}  // namespace mpibatch::sched
