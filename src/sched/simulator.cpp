#include "mpibatch/sched/simulator.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <string>
#include <utility>

namespace mpibatch::sched {

double makespan_lower_bound(std::vector<double> costs, std::vector<double> speeds) {
  if (costs.empty() || speeds.empty()) return 0.0;
  const double total_cost = std::accumulate(costs.begin(), costs.end(), 0.0);
  const double total_speed = std::accumulate(speeds.begin(), speeds.end(), 0.0);
  double bound = total_cost / total_speed;
  const std::size_t k_max = std::min(costs.size(), speeds.size());
  std::partial_sort(costs.begin(), costs.begin() + static_cast<std::ptrdiff_t>(k_max), costs.end(),
                    std::greater<>());
  std::sort(speeds.begin(), speeds.end(), std::greater<>());
  double cost = 0.0;
  double speed = 0.0;
  for (std::size_t k = 0; k < k_max; ++k) {
    cost += costs[k];
    speed += speeds[k];
    bound = std::max(bound, cost / speed);
  }
  return bound;
}

SimulationResult simulate(Policy& policy, const std::vector<double>& costs,
                          const std::vector<double>& speeds, const SimulationOptions& options) {
  const std::size_t ranks = speeds.size();
  SimulationResult result;
  result.busy_s.assign(ranks, 0.0);
  result.items.assign(ranks, 0);
  result.lower_bound = makespan_lower_bound(costs, speeds);
  policy.start(costs, static_cast<int>(ranks));

  std::vector<std::vector<ItemIndex>> running(ranks);
  std::vector<double> running_s(ranks, 0.0);
  std::vector<bool> seen(costs.size(), false);
  using Event = std::pair<double, std::size_t>;  // (free at, rank), earliest first
  std::priority_queue<Event, std::vector<Event>, std::greater<>> free_at;
  for (std::size_t r = 0; r < ranks; ++r) free_at.push({0.0, r});
  while (!free_at.empty()) {
    const auto [now, r] = free_at.top();
    free_at.pop();
    const int rank = static_cast<int>(r);
    if (!running[r].empty()) policy.finished(rank, running[r], running_s[r]);
    running[r] = policy.next(rank, now);
    if (running[r].empty()) continue;  // this rank is done
    double cost = 0.0;
    for (ItemIndex i : running[r]) {
      if (i >= costs.size() || seen[i]) {
        throw std::logic_error(policy.name() + " policy handed out item " + std::to_string(i) +
                               " twice or out of range");
      }
      seen[i] = true;
      cost += costs[i];
    }
    running_s[r] = cost / speeds[r];
    result.busy_s[r] += running_s[r];
    result.items[r] += running[r].size();
    ++result.chunks;
    const double done = now + running_s[r];
    result.makespan = std::max(result.makespan, done);
    free_at.push({done + options.request_latency_s, r});
  }
  const auto missing = std::count(seen.begin(), seen.end(), false);
  if (missing > 0) {
    throw std::logic_error(policy.name() + " policy never handed out " + std::to_string(missing) +
                           " item(s)");
  }
  return result;
}

}  // namespace mpibatch::sched
