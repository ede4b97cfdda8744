// The dynamic policy and the simulator: exactly once, largest first, shrinking chunks, and on
// mixed clusters close to the lower bound and never worse than leaving the slow rank out.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "mpibatch/sched/dynamic_policy.h"
#include "mpibatch/sched/simulator.h"
#include "mpibatch/sched/static_policy.h"

namespace ms = mpibatch::sched;

namespace {

/// Sentence-like costs: log-normal lengths, 20 to 600 "chars".
std::vector<double> sentence_costs(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> length(4.3, 0.6);
  std::vector<double> costs(n);
  for (double& c : costs) c = std::clamp(std::round(length(rng)), 20.0, 600.0);
  return costs;
}

}  // namespace

TEST(LowerBound, IsTheLargerOfTotalWorkAndTheBiggestItemsOnTheFastestRanks) {
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({1, 1, 1, 1}, {1, 1}), 2.0);         // total / speed
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({10, 1, 1}, {1, 1}), 10.0);          // one huge item
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({6, 6, 0.5, 0.5}, {2, 1, 1}), 4.0);  // two largest
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({9, 1}, {2, 1}), 4.5);    // on the fastest two
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({3}, {1, 3, 0.5}), 1.0);  // on the fastest
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({}, {1}), 0.0);
}

TEST(Simulator, StaticBlocksOnEqualRanksTakeTheLargestBlock) {
  ms::StaticPolicy policy;
  const auto result = ms::simulate(policy, {1, 1, 1, 1, 1, 1}, {1, 1, 1});
  EXPECT_DOUBLE_EQ(result.makespan, 2.0);
  EXPECT_EQ(result.items, (std::vector<std::size_t>{2, 2, 2}));
  EXPECT_EQ(result.chunks, 3u);
}

TEST(DynamicPolicy, EveryItemExactlyOnceForManyMixes) {
  // simulate() throws if an item is handed out twice or never.
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::mt19937 rng(seed);
    const std::size_t ranks = 1 + rng() % 9;
    std::vector<double> speeds(ranks);
    for (double& s : speeds) s = std::uniform_real_distribution<double>(0.02, 5.0)(rng);
    const auto costs = sentence_costs(rng() % 500, seed);
    ms::DynamicPolicy policy;
    const auto result = ms::simulate(policy, costs, speeds);
    EXPECT_EQ(std::accumulate(result.items.begin(), result.items.end(), std::size_t{0}),
              costs.size());
    EXPECT_GE(result.makespan + 1e-9, result.lower_bound);
  }
}

TEST(DynamicPolicy, MeasuresWithASmallItemThenHandsOutLargestFirstInShrinkingChunks) {
  std::vector<double> costs(100);
  std::iota(costs.begin(), costs.end(), 1.0);  // item i costs i + 1
  ms::DynamicPolicy policy;
  policy.start(costs, 2);
  EXPECT_EQ(policy.next(0, 0.0), (std::vector<ms::ItemIndex>{0}));  // the cheapest
  EXPECT_EQ(policy.next(1, 0.0), (std::vector<ms::ItemIndex>{1}));
  policy.finished(0, {0}, 1.0);  // speed 1
  policy.finished(1, {1}, 2.0);  // speed 1
  const auto first = policy.next(0, 2.0);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.back(), 99u);  // the largest item comes first
  double previous = 1e300;
  for (int round = 0; round < 10; ++round) {
    const auto chunk = policy.next(1, 2.0);
    if (chunk.empty()) break;
    double cost = 0;
    for (auto i : chunk) cost += costs[i];
    EXPECT_LE(cost, previous + 100);  // within one item of shrinking
    previous = cost;
    policy.finished(1, chunk, cost);
  }
}

TEST(DynamicPolicy, ASlowRankIsMeasuredCheaplyAndNeverHoldsTheJobBack) {
  const auto costs = sentence_costs(2000, 7);
  const std::vector<double> with_slow = {1.0, 1.0, 0.05};
  ms::DynamicPolicy dynamic;
  const auto mixed = ms::simulate(dynamic, costs, with_slow, {0.001});
  ms::StaticPolicy static_policy;
  const auto fast_only = ms::simulate(static_policy, costs, {1.0, 1.0}, {0.001});
  EXPECT_LE(mixed.ratio(), 1.05) << mixed.makespan << " vs bound " << mixed.lower_bound;
  EXPECT_LE(mixed.makespan, fast_only.makespan);  // adding the slow rank did not hurt
  EXPECT_GT(mixed.items[2], 0u);                  // and it did some of the work
  ms::StaticPolicy equal_split;
  EXPECT_GT(ms::simulate(equal_split, costs, with_slow).makespan, 3 * mixed.makespan);
}

TEST(DynamicPolicy, WithoutHoldingBackTheSlowRankEndsLast) {
  const auto costs = sentence_costs(300, 3);
  ms::DynamicOptions no_hold;
  no_hold.hold_back_slow_ranks = false;
  ms::DynamicPolicy careless(no_hold);
  ms::DynamicPolicy careful;
  const auto a = ms::simulate(careless, costs, {1.0, 1.0, 0.02});
  const auto b = ms::simulate(careful, costs, {1.0, 1.0, 0.02});
  EXPECT_LT(b.makespan, a.makespan);
}
