#include "mpibatch/sched/weighted_policy.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "mpibatch/error.h"

namespace mpibatch::sched {
namespace {

/// NOTE [lpt groups]: width of a speed bucket on the log scale, log(1.01).
const double kGroupWidth = std::log1p(0.01);

std::string count_of(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

std::vector<std::vector<ItemIndex>> lpt_assign(const std::vector<double>& costs,
                                               const std::vector<ItemIndex>& items,
                                               const std::vector<double>& speeds,
                                               std::vector<double> ready_at) {
  const std::size_t ranks = speeds.size();
  if (ready_at.size() != ranks) {
    throw std::invalid_argument("lpt_assign: " + count_of(ready_at.size(), "ready time") + " for " +
                                count_of(ranks, "rank"));
  }
  for (double speed : speeds) {
    if (!(speed > 0) || !std::isfinite(speed)) {
      throw std::invalid_argument("lpt_assign: rank speed " + number(speed) + " is not > 0");
    }
  }
  for (ItemIndex item : items) {
    if (item >= costs.size()) {
      throw std::invalid_argument("lpt_assign: item " + std::to_string(item) + " out of range");
    }
  }
  std::vector<std::vector<ItemIndex>> shares(ranks);
  if (items.empty()) return shares;
  if (ranks == 0) throw std::invalid_argument("lpt_assign: items but no ranks");

  // NOTE [lpt groups]: one min-heap of (ready at, rank) per speed bucket.
  using Entry = std::pair<double, std::size_t>;
  std::unordered_map<long long, std::size_t> group_of_bucket;
  std::vector<std::vector<Entry>> members;
  for (std::size_t r = 0; r < ranks; ++r) {
    const auto bucket = static_cast<long long>(std::floor(std::log(speeds[r]) / kGroupWidth));
    const auto [it, added] = group_of_bucket.emplace(bucket, members.size());
    if (added) members.emplace_back();
    members[it->second].push_back({ready_at[r], r});
  }
  using Heap = std::priority_queue<Entry, std::vector<Entry>, std::greater<>>;
  std::vector<Heap> groups;
  groups.reserve(members.size());
  for (auto& m : members) groups.emplace_back(std::greater<>(), std::move(m));

  std::vector<ItemIndex> order = items;
  std::sort(order.begin(), order.end(), [&](ItemIndex a, ItemIndex b) {
    return costs[a] != costs[b] ? costs[a] > costs[b] : a < b;
  });
  for (ItemIndex item : order) {
    std::size_t best_group = 0;
    std::size_t best_rank = ranks;
    double best_finish = std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto [ready, r] = groups[g].top();
      const double finish = ready + costs[item] / speeds[r];
      if (finish < best_finish || (finish == best_finish && r < best_rank)) {
        best_group = g;
        best_rank = r;
        best_finish = finish;
      }
    }
    groups[best_group].pop();
    groups[best_group].push({best_finish, best_rank});
    shares[best_rank].push_back(item);
  }
  for (auto& share : shares) std::sort(share.begin(), share.end());
  return shares;
}

WeightedPolicy::WeightedPolicy(WeightedOptions options) : options_(std::move(options)) {
  options_.calibration_items = std::max<std::size_t>(1, options_.calibration_items);
}

void WeightedPolicy::check_weights(int ranks) const {
  const auto& weights = options_.rank_weights;
  std::vector<std::string> problems;
  if (weights.size() != static_cast<std::size_t>(std::max(ranks, 0))) {
    problems.push_back("runtime.rank_weights: " + count_of(weights.size(), "weight") + " for " +
                       count_of(static_cast<std::size_t>(std::max(ranks, 0)), "rank") +
                       "; give one per rank (mpirun -n) or remove the key");
  }
  for (std::size_t r = 0; r < weights.size(); ++r) {
    if (weights[r] > 0 && std::isfinite(weights[r])) continue;
    problems.push_back("runtime.rank_weights: rank " + std::to_string(r) + " has weight " +
                       number(weights[r]) + "; give every rank a relative speed > 0");
  }
  if (!problems.empty()) throw ConfigError(problems);
}

void WeightedPolicy::start(const std::vector<double>& item_costs, int ranks) {
  if (is_static()) check_weights(ranks);
  costs_ = item_costs;
  const std::size_t n = costs_.size();
  ranks_.assign(static_cast<std::size_t>(std::max(ranks, 1)), RankState{});
  shares_.assign(ranks_.size(), {});
  leftover_.clear();
  unmeasured_ = ranks_.size();
  planned_ = false;

  order_.resize(n);
  std::iota(order_.begin(), order_.end(), ItemIndex{0});
  std::stable_sort(order_.begin(), order_.end(),
                   [&](ItemIndex a, ItemIndex b) { return costs_[a] < costs_[b]; });
  taken_.assign(n, false);
  queued_ = n;
  cheap_ = 0;
  middle_lo_ = middle_hi_ = n / 2;
  if (!is_static()) return;

  std::vector<ItemIndex> all(n);
  std::iota(all.begin(), all.end(), ItemIndex{0});
  shares_ = lpt_assign(costs_, all, options_.rank_weights,
                       std::vector<double>(options_.rank_weights.size(), 0.0));
  taken_.assign(n, true);
  queued_ = 0;
  planned_ = true;
}

double WeightedPolicy::measured_speed(int rank) const {
  return ranks_.at(static_cast<std::size_t>(rank)).meter.speed();
}

void WeightedPolicy::take(std::size_t position, std::vector<ItemIndex>& chunk) {
  taken_[position] = true;
  --queued_;
  chunk.push_back(order_[position]);
}

std::vector<ItemIndex> WeightedPolicy::take_from_middle(std::size_t count) {
  std::vector<ItemIndex> chunk;
  const std::size_t center = order_.size() / 2;
  while (chunk.size() < count && queued_ > 0) {
    while (middle_hi_ < order_.size() && taken_[middle_hi_]) ++middle_hi_;
    while (middle_lo_ > 0 && taken_[middle_lo_ - 1]) --middle_lo_;
    // Some item is queued, so one side has one: take the one nearer the median.
    const bool has_hi = middle_hi_ < order_.size();
    const bool lower =
        middle_lo_ > 0 && (!has_hi || center - middle_lo_ + 1 <= middle_hi_ - center);
    if (lower) {
      take(--middle_lo_, chunk);
    } else {
      take(middle_hi_++, chunk);
    }
  }
  std::sort(chunk.begin(), chunk.end());
  return chunk;
}

std::vector<ItemIndex> WeightedPolicy::take_from_cheap_end(std::size_t count) {
  std::vector<ItemIndex> chunk;
  while (chunk.size() < count && queued_ > 0) {
    while (taken_[cheap_]) ++cheap_;
    take(cheap_, chunk);
  }
  std::sort(chunk.begin(), chunk.end());
  return chunk;
}

void WeightedPolicy::plan() {
  std::vector<std::size_t> here;
  std::vector<double> speeds;
  std::vector<double> ready_at;
  for (std::size_t r = 0; r < ranks_.size(); ++r) {
    if (ranks_[r].left) continue;
    here.push_back(r);
    speeds.push_back(std::max(ranks_[r].meter.speed(), std::numeric_limits<double>::min()));
    ready_at.push_back(ranks_[r].outstanding_cost / speeds.back());
  }
  if (here.empty()) return;
  std::vector<ItemIndex> queue;
  queue.reserve(queued_);
  for (std::size_t p = 0; p < order_.size(); ++p) {
    if (!taken_[p]) queue.push_back(order_[p]);
  }
  taken_.assign(order_.size(), true);
  queued_ = 0;
  auto shares = lpt_assign(costs_, queue, speeds, std::move(ready_at));
  for (std::size_t i = 0; i < here.size(); ++i) shares_[here[i]] = std::move(shares[i]);
  planned_ = true;
}

std::vector<ItemIndex> WeightedPolicy::hand_out(std::size_t rank, std::vector<ItemIndex> chunk) {
  for (ItemIndex i : chunk) ranks_[rank].outstanding_cost += costs_[i];
  ranks_[rank].outstanding_items += chunk.size();
  return chunk;
}

std::vector<ItemIndex> WeightedPolicy::next(int rank, double /*now*/) {
  const auto r = static_cast<std::size_t>(rank);
  if (rank < 0 || r >= ranks_.size() || ranks_[r].left) return {};
  RankState& s = ranks_[r];
  if (planned_) {
    if (!s.share_taken) {
      s.share_taken = true;
      if (!shares_[r].empty()) return hand_out(r, std::move(shares_[r]));
    }
    const std::size_t count = std::min(options_.calibration_items, leftover_.size());
    std::vector<ItemIndex> chunk(leftover_.end() - static_cast<std::ptrdiff_t>(count),
                                 leftover_.end());
    leftover_.resize(leftover_.size() - count);
    std::sort(chunk.begin(), chunk.end());
    return hand_out(r, std::move(chunk));
  }
  // NOTE [weighted calibration]
  if (s.meter.speed() > 0) return hand_out(r, take_from_cheap_end(options_.calibration_items));
  if (s.outstanding_items == 0) return hand_out(r, take_from_middle(options_.calibration_items));
  return hand_out(r, take_from_cheap_end(1));
}

void WeightedPolicy::finished(int rank, const std::vector<ItemIndex>& items, double seconds) {
  RankState& s = ranks_.at(static_cast<std::size_t>(rank));
  double cost = 0.0;
  for (ItemIndex i : items) cost += costs_.at(i);
  s.outstanding_cost = std::max(0.0, s.outstanding_cost - cost);
  s.outstanding_items -= std::min(items.size(), s.outstanding_items);
  if (items.empty()) return;
  const bool first_report = !s.meter.measured();
  s.meter.record(cost, seconds);
  if (!first_report || s.left) return;
  --unmeasured_;
  if (unmeasured_ == 0 && !planned_) plan();
}

void WeightedPolicy::leave(int rank) {
  const auto r = static_cast<std::size_t>(rank);
  if (rank < 0 || r >= ranks_.size() || ranks_[r].left) return;
  RankState& s = ranks_[r];
  s.left = true;
  if (planned_) {
    if (!s.share_taken) {  // NOTE [weighted calibration]: the share goes back
      s.share_taken = true;
      leftover_.insert(leftover_.end(), shares_[r].begin(), shares_[r].end());
      shares_[r].clear();
    }
    return;
  }
  if (s.meter.measured()) return;  // already not waited for
  --unmeasured_;
  if (unmeasured_ == 0) plan();
}

}  // namespace mpibatch::sched
