// The weighted policy: LPT on ranks of different speeds (hand-computed), given weights,
// calibration chunks, a rank that leaves, and the edge cases on the simulator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

#include "mpibatch/error.h"
#include "mpibatch/sched/simulator.h"
#include "mpibatch/sched/weighted_policy.h"

namespace ms = mpibatch::sched;
using Shares = std::vector<std::vector<ms::ItemIndex>>;

namespace {

std::vector<ms::ItemIndex> all_of(std::size_t n) {
  std::vector<ms::ItemIndex> items(n);
  std::iota(items.begin(), items.end(), ms::ItemIndex{0});
  return items;
}

}  // namespace

TEST(LptAssign, LongestFirstOntoTheRankThatFinishesEarliest) {
  // Speeds 2 and 1. Item 0 (5): 2.5 vs 5 -> r0. Item 1 (4): 4.5 vs 4 -> r1. Item 2 (3): 4.0 vs
  // 7 -> r0. Item 3 (3): 5.5 vs 7 -> r0. Item 4 (2): 6.5 vs 6 -> r1. Item 5 (1): 6.0 vs 7 -> r0.
  const std::vector<double> costs = {5, 4, 3, 3, 2, 1};
  EXPECT_EQ(ms::lpt_assign(costs, all_of(6), {2, 1}, {0, 0}), (Shares{{0, 2, 3, 5}, {1, 4}}));
}

TEST(LptAssign, ARankBusyUntilLaterStartsLater) {
  // Rank 0 is busy until 10: the other takes everything it can finish before then.
  EXPECT_EQ(ms::lpt_assign({3, 3, 3}, all_of(3), {1, 1}, {10, 0}), (Shares{{}, {0, 1, 2}}));
  // Ties go to the lower rank; only the listed items are assigned.
  EXPECT_EQ(ms::lpt_assign({1, 1, 1, 1}, {1, 3}, {1, 1}, {0, 0}), (Shares{{1}, {3}}));
}

TEST(LptAssign, EqualSpeedsShareEquallyAndBadArgumentsThrow) {
  const std::vector<double> costs(1000, 1.0);
  const Shares shares =
      ms::lpt_assign(costs, all_of(1000), std::vector<double>(8, 3.0), std::vector<double>(8, 0.0));
  for (const auto& share : shares) EXPECT_EQ(share.size(), 125u);
  EXPECT_THROW(ms::lpt_assign(costs, all_of(3), {1, 0}, {0, 0}), std::invalid_argument);
  EXPECT_THROW(ms::lpt_assign(costs, all_of(3), {1, 1}, {0}), std::invalid_argument);
  EXPECT_THROW(ms::lpt_assign(costs, {1000}, {1}, {0}), std::invalid_argument);
  EXPECT_EQ(ms::lpt_assign(costs, {}, {1, 1}, {0, 0}), (Shares{{}, {}}));
}

TEST(WeightedPolicy, GivenWeightsDecideEveryShareUpFront) {
  ms::WeightedOptions options;
  options.rank_weights = {2, 1};
  ms::WeightedPolicy policy(options);
  EXPECT_TRUE(policy.is_static());
  policy.start({5, 4, 3, 3, 2, 1}, 2);
  EXPECT_EQ(policy.next(1, 0.0), (std::vector<ms::ItemIndex>{1, 4}));
  EXPECT_EQ(policy.next(0, 0.0), (std::vector<ms::ItemIndex>{0, 2, 3, 5}));
  EXPECT_TRUE(policy.next(0, 0.0).empty());
  EXPECT_TRUE(policy.next(1, 0.0).empty());
}

TEST(WeightedPolicy, WeightsMustBeOnePerRankAndPositive) {
  ms::WeightedOptions options;
  options.rank_weights = {2, 1};
  ms::WeightedPolicy wrong_count(options);
  try {
    wrong_count.start({1, 1}, 3);
    FAIL() << "no error";
  } catch (const mpibatch::ConfigError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("runtime.rank_weights: 2 weights for 3 ranks"));
  }
  options.rank_weights = {2, 0};
  ms::WeightedPolicy zero(options);
  EXPECT_THROW(zero.start({1, 1}, 2), mpibatch::ConfigError);
}

TEST(WeightedPolicy, CalibratesOnTypicalItemsThenSplitsTheRestBySpeed) {
  std::vector<double> costs(101);
  std::iota(costs.begin(), costs.end(), 1.0);  // item i costs i + 1; the median is item 50
  ms::WeightedOptions options;
  options.calibration_items = 3;
  ms::WeightedPolicy policy(options);
  EXPECT_FALSE(policy.is_static());
  policy.start(costs, 2);
  EXPECT_EQ(policy.next(0, 0.0), (std::vector<ms::ItemIndex>{49, 50, 51}));  // around the median
  EXPECT_EQ(policy.next(1, 0.0), (std::vector<ms::ItemIndex>{47, 48, 52}));  // its neighbours
  EXPECT_EQ(policy.next(0, 0.0), (std::vector<ms::ItemIndex>{0}));  // prefetch: one cheap item
  policy.finished(0, {49, 50, 51}, 153.0);                          // speed 1
  EXPECT_EQ(policy.next(0, 0.0), (std::vector<ms::ItemIndex>{1, 2, 3}));  // measured: cheap end
  policy.finished(1, {47, 48, 52}, 50.0);                                 // speed 3
  // Every rank measured: the rest is split by speed, each rank's outstanding work counted.
  const auto share0 = policy.next(0, 0.0);
  const auto share1 = policy.next(1, 0.0);
  double cost0 = 0, cost1 = 0;
  for (auto i : share0) cost0 += costs[i];
  for (auto i : share1) cost1 += costs[i];
  EXPECT_EQ(share0.size() + share1.size() + 10, costs.size());
  EXPECT_NEAR(cost1 / (cost0 + cost1), 0.75, 0.02);
  EXPECT_TRUE(policy.next(0, 0.0).empty());
}

TEST(WeightedPolicy, ASharePutBackByARankThatLeftGoesToTheOthers) {
  ms::WeightedOptions options;
  options.rank_weights = {1, 1, 1};
  ms::WeightedPolicy policy(options);
  policy.start(std::vector<double>(9, 1.0), 3);
  const auto mine = policy.next(0, 0.0);
  policy.leave(2);  // before taking its share
  std::size_t taken = mine.size();
  for (auto chunk = policy.next(1, 0.0); !chunk.empty(); chunk = policy.next(1, 0.0)) {
    taken += chunk.size();
  }
  EXPECT_EQ(taken, 9u);
  EXPECT_TRUE(policy.next(2, 0.0).empty());
}

TEST(WeightedPolicy, ExactlyOnceWithMoreRanksThanItemsOneRankAndNoItems) {
  for (std::size_t items : {0u, 1u, 3u, 40u}) {
    for (const std::vector<double>& speeds :
         {std::vector<double>{1}, std::vector<double>{1, 5, 0.1, 2, 2}}) {
      ms::WeightedPolicy policy;  // simulate() throws if an item is lost or doubled
      const auto result = ms::simulate(policy, std::vector<double>(items, 2.0), speeds, {0.01});
      EXPECT_EQ(std::accumulate(result.items.begin(), result.items.end(), std::size_t{0}), items);
    }
  }
}

TEST(WeightedPolicy, CloseToTheLowerBoundOnAMixedCluster) {
  std::vector<double> costs;
  for (int i = 0; i < 3000; ++i) costs.push_back(20 + (i * 37) % 300);
  ms::WeightedPolicy policy;
  const auto result = ms::simulate(policy, costs, {20, 20, 1}, {0.001});
  EXPECT_LE(result.ratio(), 1.05) << result.makespan << " vs " << result.lower_bound;
}
