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
  ms::DynamicOptions options;
  options.windows = 1;
  options.growth = 1e9;  // no slow start here
  ms::DynamicPolicy policy(options);
  policy.start(costs, 2);
  EXPECT_EQ(policy.next(0, 0.0), (std::vector<ms::ItemIndex>{0}));  // the cheapest
  EXPECT_EQ(policy.next(1, 0.0), (std::vector<ms::ItemIndex>{1}));
  policy.finished(0, {0}, 1.0);  // speed 1
  policy.finished(1, {1}, 2.0);  // speed 1
  const auto first = policy.next(0, 2.0);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.back(), 99u);  // the largest item comes first
  // Guided: a quarter of the queue (its share by speed, halved), 4949 of 5047 left.
  double first_cost = 0;
  for (auto i : first) first_cost += costs[i];
  EXPECT_NEAR(first_cost, (5050.0 - 3.0) / 4, 100);
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

TEST(DynamicPolicy, AChunkAtMostDoublesWhatTheRankHasDone) {
  const std::vector<double> costs(1000, 1.0);
  ms::DynamicPolicy policy;  // growth 2
  policy.start(costs, 1);
  std::size_t done = policy.next(0, 0.0).size();
  EXPECT_EQ(done, 1u);
  policy.finished(0, std::vector<ms::ItemIndex>(1, 0), 1.0);
  for (std::size_t expected : {2u, 6u, 18u}) {  // 2 x (1), 2 x (1 + 2), 2 x (1 + 2 + 6)
    const auto chunk = policy.next(0, 0.0);
    EXPECT_EQ(chunk.size(), expected);
    policy.finished(0, chunk, static_cast<double>(chunk.size()));
  }
}

TEST(DynamicPolicy, WindowsKeepReadingOrderCoarselyAndLargestFirstWithin) {
  std::vector<double> costs = {1, 5, 2, 1, 5, 2, 1, 5, 2, 1, 5, 2};  // 4 windows of 3 items
  ms::DynamicOptions options;
  options.windows = 4;
  options.growth = 1e9;
  options.chunk_divisor = 1e9;  // one item per chunk
  ms::DynamicPolicy policy(options);
  policy.start(costs, 1);
  EXPECT_EQ(policy.next(0, 0.0), (std::vector<ms::ItemIndex>{9}));  // measured on the cheapest
  policy.finished(0, {9}, 1.0);
  std::vector<ms::ItemIndex> order;
  for (auto chunk = policy.next(0, 0.0); !chunk.empty(); chunk = policy.next(0, 0.0)) {
    order.insert(order.end(), chunk.begin(), chunk.end());
    policy.finished(0, chunk, 1.0);
  }
  EXPECT_EQ(order, (std::vector<ms::ItemIndex>{1, 2, 0, 4, 5, 3, 7, 8, 6, 10, 11}));
}

TEST(DynamicPolicy, MoreRanksThanItemsAndOneRankAndNoItems) {
  ms::DynamicPolicy policy;
  auto few = ms::simulate(policy, {3, 1}, {1, 1, 1, 1, 1});
  EXPECT_EQ(std::accumulate(few.items.begin(), few.items.end(), std::size_t{0}), 2u);
  EXPECT_DOUBLE_EQ(few.makespan, 3.0);
  const auto one = ms::simulate(policy, {3, 1, 2}, {2});
  EXPECT_DOUBLE_EQ(one.makespan, 3.0);
  EXPECT_EQ(one.items, (std::vector<std::size_t>{3}));
  const auto none = ms::simulate(policy, {}, {1, 1});
  EXPECT_EQ(none.chunks, 0u);
  EXPECT_DOUBLE_EQ(none.makespan, 0.0);
  policy.start({}, 2);
  EXPECT_TRUE(policy.next(0, 0.0).empty());  // an empty queue: done at once
}

TEST(DynamicPolicy, ARankThatLeavesGetsNothingAndTheOthersTakeTheRest) {
  ms::DynamicPolicy policy;
  policy.start(std::vector<double>(10, 1.0), 2);
  EXPECT_EQ(policy.next(1, 0.0).size(), 1u);
  policy.leave(1);
  EXPECT_TRUE(policy.next(1, 0.0).empty());
  std::size_t taken = 1;
  for (int round = 0; round < 20; ++round) {
    const auto chunk = policy.next(0, 0.0);
    if (chunk.empty()) break;
    taken += chunk.size();
    policy.finished(0, chunk, 1.0);
  }
  EXPECT_EQ(taken, 10u);
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

TEST(DynamicPolicy, AChunkLastsAtLeastMinChunkAtTheRanksSpeed) {
  ms::DynamicOptions options;
  options.min_chunk_s = 10.0;
  ms::DynamicPolicy policy(options);
  policy.start(std::vector<double>(100, 1.0), 2);
  EXPECT_EQ(policy.next(0, 0.0).size(), 1u);
  policy.finished(0, {99}, 0.5);  // speed 2: chunks of at least 20 items, above slow start
  EXPECT_EQ(policy.next(0, 0.0).size(), 20u);
  EXPECT_DOUBLE_EQ(ms::min_chunk_for(4096, 6e-6), 8 * 6e-6 * 4096);
}
