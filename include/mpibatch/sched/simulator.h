#pragma once
/// \file Running a policy on a virtual clock: the same Policy code as a real run, with ranks
/// of given speeds instead of MPI and a model (the `simulate` benchmark, bench/hetero_sim).
///
/// NOTE [simulated protocol]: mirrors the chunk protocol of a real run (pipeline/dispatcher.h).
/// Every rank, rank 0 included, sends a request at time 0; rank 0 answers it with
/// policy.next(rank, now). When a chunk arrives the rank starts computing it (cost / speed
/// seconds) and, with `prefetch`, sends its next request at once (at most one outstanding), so
/// the answer usually arrives while it computes. When a chunk is done the rank sends a report
/// (policy.finished) and starts the prefetched chunk as soon as that has arrived; without
/// `prefetch` it sends its next request only then. An empty answer means the rank is done: it
/// finishes what it holds and stops. Each message takes half the rank's round trip. Rank 0
/// handles reports and requests in time order, one at a time, each taking `service_s` of its
/// main thread (a request is answered when rank 0 gets to it, so requests queue up when many
/// ranks ask at once); at one instant the ranks' own events come first, then reports, then
/// requests, each by rank. Rank 0's own compute runs beside its serving, as in a real run.

#include <cstddef>
#include <vector>

#include "mpibatch/sched/policy.h"

namespace mpibatch::sched {

struct SimulationOptions {
  double request_latency_s = 0.0;  ///< round trip between a worker rank (> 0) and rank 0
  double rank0_latency_s = 0.0;    ///< round trip for rank 0's own requests (no message)
  bool prefetch = true;            ///< ask for the next chunk when starting one, not when idle
  double service_s = 0.0;          ///< rank 0's time to handle one request or report
};

struct SimulationResult {
  double makespan = 0.0;       ///< when the last chunk finished computing
  double lower_bound = 0.0;    ///< makespan_lower_bound(costs, speeds)
  std::vector<double> busy_s;  ///< per rank, computing
  /// Per rank, not computing between its first request (time 0) and its stop (its last
  /// chunk done or the empty answer arrived, whichever is later).
  std::vector<double> idle_s;
  std::vector<std::size_t> items;  ///< per rank
  std::size_t chunks = 0;          ///< next() calls that returned work
  std::size_t requests = 0;        ///< next() calls
  double ratio() const { return lower_bound > 0 ? makespan / lower_bound : 0.0; }
};

/// No schedule can finish earlier than max(total cost / total speed, max over k of (the k
/// largest costs) / (the k fastest speeds)), k up to min(items, ranks).
double makespan_lower_bound(std::vector<double> costs, std::vector<double> speeds);

/// Runs `policy` for items of `costs` on ranks of `speeds` (cost per second, > 0), one rank per
/// speed. Checks that every item ran exactly once (std::logic_error for an item handed out
/// twice, out of range or never). O(events log ranks), four events per chunk.
SimulationResult simulate(Policy& policy, const std::vector<double>& costs,
                          const std::vector<double>& speeds, const SimulationOptions& options = {});

}  // namespace mpibatch::sched
