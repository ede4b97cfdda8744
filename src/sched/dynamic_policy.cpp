#include "mpibatch/sched/dynamic_policy.h"

#include <algorithm>
#include <numeric>

namespace mpibatch::sched {
double min_chunk_for(int ranks, double message_s) {
  return 8.0 * message_s * static_cast<double>(std::max(ranks, 1));
}

DynamicPolicy::DynamicPolicy(DynamicOptions options) : options_(options) {
  options_.chunk_divisor = std::max(1.0, options_.chunk_divisor);
  options_.windows = std::max(1, options_.windows);
}

void DynamicPolicy::start(const std::vector<double>& item_costs, int ranks) {
  costs_ = item_costs;
  queued_cost_ = std::accumulate(costs_.begin(), costs_.end(), 0.0);
  // NOTE [dynamic chunks]: window of each item by its cost prefix, then largest first within.
  std::vector<int> window(costs_.size());
  double before = 0.0;
  for (std::size_t i = 0; i < costs_.size(); ++i) {
    const double share = queued_cost_ > 0 ? before / queued_cost_ : 0.0;
    window[i] = std::min(options_.windows - 1, static_cast<int>(share * options_.windows));
    before += costs_[i];
  }
  order_.resize(costs_.size());
  std::iota(order_.begin(), order_.end(), ItemIndex{0});
  std::stable_sort(order_.begin(), order_.end(), [&](ItemIndex a, ItemIndex b) {
    return window[a] != window[b] ? window[a] < window[b] : costs_[a] > costs_[b];
  });
  cursor_ = 0;
  back_ = order_.size();
  ranks_.assign(static_cast<std::size_t>(std::max(ranks, 1)), RankState{});
  known_ = {};
  active_ = {};
  active_.unknown = ranks_.size();
  unserved_ = ranks_.size();
}

double DynamicPolicy::measured_speed(int rank) const {
  return ranks_.at(static_cast<std::size_t>(rank)).meter.speed();
}

double DynamicPolicy::speed_or_guess(std::size_t rank) const {
  if (ranks_[rank].meter.speed() > 0) return ranks_[rank].meter.speed();
  return known_.count > 0 ? known_.speed_sum / known_.count : 1.0;
}

double DynamicPolicy::active_speed() const {
  const double guess = known_.count > 0 ? known_.speed_sum / known_.count : 1.0;
  return active_.speed_sum + static_cast<double>(active_.unknown) * guess;
}

bool DynamicPolicy::would_hold_back(std::size_t rank, double chunk_cost, double now) const {
  if (!options_.hold_back_slow_ranks || ranks_[rank].meter.speed() <= 0) return false;
  const double others_speed = active_speed() - ranks_[rank].meter.speed();
  if (others_speed <= 1e-12 * active_speed()) return false;
  const double others_outstanding = active_.outstanding - ranks_[rank].outstanding_cost;
  // Its outstanding chunk (prefetch: it asks while computing one) comes first.
  const double mine_done =
      now + (ranks_[rank].outstanding_cost + chunk_cost) / ranks_[rank].meter.speed();
  const double others_done = now + (others_outstanding + queued_cost_) / others_speed;
  return mine_done > others_done;
}

void DynamicPolicy::retire(std::size_t rank) {
  RankState& s = ranks_[rank];
  s.retired = true;
  active_.outstanding -= s.outstanding_cost;
  if (s.meter.speed() > 0) {
    active_.speed_sum -= s.meter.speed();
  } else {
    --active_.unknown;
  }
}

std::vector<ItemIndex> DynamicPolicy::next(int rank, double now) {
  const auto r = static_cast<std::size_t>(rank);
  if (r >= ranks_.size() || ranks_[r].retired || cursor_ == back_) return {};
  if (!ranks_[r].meter.measured()) {
    // Not measured yet: one item from the cheap end, so a slow rank costs little to measure;
    // a second one (prefetch) only while every rank that holds nothing can still get one.
    if (ranks_[r].served && back_ - cursor_ <= unserved_) {
      retire(r);
      return {};
    }
    if (!ranks_[r].served) --unserved_;
    ranks_[r].served = true;
    const ItemIndex item = order_[--back_];
    charge(r, costs_[item]);
    return {item};
  }
  // NOTE [dynamic chunks]: guided, at most `growth` times what the rank has done so far, and
  // at least min_chunk_s long.
  const double guided =
      queued_cost_ * speed_or_guess(r) / (active_speed() * options_.chunk_divisor);
  const double target = std::max(std::min(guided, options_.growth * ranks_[r].meter.done_cost()),
                                 options_.min_chunk_s * ranks_[r].meter.speed());

  std::vector<ItemIndex> chunk;
  double chunk_cost = 0.0;
  std::size_t end = cursor_;
  do {  // at least one item
    chunk_cost += costs_[order_[end]];
    ++end;
  } while (end < back_ && chunk_cost + costs_[order_[end]] <= target);
  if (would_hold_back(r, chunk_cost, now)) {
    retire(r);
    return {};
  }
  chunk.assign(order_.begin() + static_cast<std::ptrdiff_t>(cursor_),
               order_.begin() + static_cast<std::ptrdiff_t>(end));
  cursor_ = end;
  charge(r, chunk_cost);
  std::sort(chunk.begin(), chunk.end());
  return chunk;
}

void DynamicPolicy::charge(std::size_t rank, double cost) {
  queued_cost_ = std::max(0.0, queued_cost_ - cost);
  ranks_[rank].outstanding_cost += cost;
  active_.outstanding += cost;
}

void DynamicPolicy::leave(int rank) {
  const auto r = static_cast<std::size_t>(rank);
  if (r < ranks_.size() && !ranks_[r].retired) retire(r);
}

void DynamicPolicy::finished(int rank, const std::vector<ItemIndex>& items, double seconds) {
  RankState& s = ranks_.at(static_cast<std::size_t>(rank));
  double cost = 0.0;
  for (ItemIndex i : items) cost += costs_.at(i);
  const double reported = std::min(cost, s.outstanding_cost);
  s.outstanding_cost -= reported;
  if (!s.retired) active_.outstanding -= reported;
  const double old_speed = s.meter.speed();
  s.meter.record(cost, seconds);
  known_.speed_sum += s.meter.speed() - old_speed;
  if (old_speed <= 0) ++known_.count;
  if (s.retired) return;
  active_.speed_sum += s.meter.speed() - old_speed;
  if (old_speed <= 0) --active_.unknown;
}

}  // namespace mpibatch::sched
