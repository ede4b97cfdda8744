#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "mpibatch/error.h"
#include "mpibatch/sched/static_policy.h"

namespace ms = mpibatch::sched;

namespace {

/// Cost of every block given by `starts`.
std::vector<double> block_costs(const std::vector<double>& costs,
                                const std::vector<std::size_t>& starts) {
  std::vector<double> out;
  for (std::size_t p = 0; p + 1 < starts.size(); ++p) {
    out.push_back(std::accumulate(costs.begin() + starts[p], costs.begin() + starts[p + 1], 0.0));
  }
  return out;
}

}  // namespace

TEST(BalancedBlocks, EqualCostsSplitEvenly) {
  const std::vector<double> costs(12, 1.0);
  EXPECT_EQ(ms::balanced_block_starts(costs, 3), (std::vector<std::size_t>{0, 4, 8, 12}));
  EXPECT_EQ(ms::balanced_block_starts(costs, 1), (std::vector<std::size_t>{0, 12}));
}

TEST(BalancedBlocks, BalancesByCostNotCount) {
  // One heavy item first: the first block should hold it alone-ish.
  const std::vector<double> costs = {10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const auto starts = ms::balanced_block_starts(costs, 2);
  EXPECT_EQ(starts, (std::vector<std::size_t>{0, 1, 11}));
}

TEST(BalancedBlocks, EveryBlockWithinOneItemOfTheMeanOnRandomInputs) {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> size(4.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    const int parts = 1 + trial % 9;
    std::vector<double> costs(1 + rng() % 300);
    for (double& c : costs) c = size(rng);
    const auto starts = ms::balanced_block_starts(costs, parts);
    ASSERT_EQ(starts.size(), static_cast<std::size_t>(parts) + 1);
    ASSERT_EQ(starts.front(), 0u);
    ASSERT_EQ(starts.back(), costs.size());
    ASSERT_TRUE(std::is_sorted(starts.begin(), starts.end()));
    const double mean = std::accumulate(costs.begin(), costs.end(), 0.0) / parts;
    const double largest = *std::max_element(costs.begin(), costs.end());
    for (double block : block_costs(costs, starts)) EXPECT_LE(block, mean + largest + 1e-9);
  }
}

TEST(BalancedBlocks, MoreRanksThanItemsLeavesSomeEmpty) {
  const auto starts = ms::balanced_block_starts({1.0, 1.0}, 4);
  ASSERT_EQ(starts.size(), 5u);
  EXPECT_EQ(starts.back(), 2u);
  const auto costs = block_costs({1.0, 1.0}, starts);
  EXPECT_EQ(std::count(costs.begin(), costs.end(), 1.0), 2);
}

TEST(StaticPolicy, HandsEachRankItsBlockOnceAndCoversEveryItemExactlyOnce) {
  auto policy = ms::make_policy("static");
  EXPECT_TRUE(policy->is_static());
  std::vector<double> costs(10, 1.0);
  policy->start(costs, 3);
  std::vector<int> seen(10, 0);
  for (int r = 0; r < 3; ++r) {
    const auto block = policy->next(r, 0.0);
    EXPECT_TRUE(std::is_sorted(block.begin(), block.end()));
    for (auto i : block) ++seen[i];
    EXPECT_TRUE(policy->next(r, 1.0).empty());
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 10);
}

TEST(MakePolicy, UnknownNameListsTheAvailableOnes) {
  try {
    ms::make_policy("dynamik");
    FAIL();
  } catch (const mpibatch::ConfigError& e) {
    EXPECT_STREQ(
        e.what(),
        "runtime.schedule: unknown policy 'dynamik'; available: dynamic, weighted, static");
  }
}
