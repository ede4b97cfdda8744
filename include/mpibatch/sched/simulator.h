#pragma once
/// \file Running a policy on a virtual clock: the same Policy code as a real run, with ranks
/// of given speeds instead of MPI and a model (the `simulate` benchmark, bench/hetero_sim).
///
/// Each rank asks for work when it is free (policy.next(rank, now)), computes the chunk in
/// cost / speed seconds, waits `request_latency_s` for its next chunk, reports
/// (policy.finished) and asks again, until next() returns nothing.

#include <cstddef>
#include <vector>

#include "mpibatch/sched/policy.h"

namespace mpibatch::sched {

struct SimulationOptions {
  double request_latency_s = 0.0;  ///< added between a rank's chunks (a round trip to rank 0)
};

struct SimulationResult {
  double makespan = 0.0;           ///< when the last rank finished
  double lower_bound = 0.0;        ///< makespan_lower_bound(costs, speeds)
  std::vector<double> busy_s;      ///< per rank, computing
  std::vector<std::size_t> items;  ///< per rank
  std::size_t chunks = 0;          ///< next() calls that returned work
  double ratio() const { return lower_bound > 0 ? makespan / lower_bound : 0.0; }
};

/// No schedule can finish earlier than max(total cost / total speed, max over k of (the k
/// largest costs) / (the k fastest speeds)), k up to min(items, ranks).
double makespan_lower_bound(std::vector<double> costs, std::vector<double> speeds);

/// Runs `policy` for items of `costs` on ranks of `speeds` (cost per second, > 0). Checks that
/// every item ran exactly once (std::logic_error otherwise).
SimulationResult simulate(Policy& policy, const std::vector<double>& costs,
                          const std::vector<double>& speeds, const SimulationOptions& options = {});

}  // namespace mpibatch::sched
