// Shards (NOTE [shards]) and the learning-rate schedule: pure functions, hand-checked values
// and the exactly-once property over many sizes.
#include "mpibatch/train/shards.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mpibatch/train/lr_schedule.h"

namespace mpibatch::train {
namespace {

TEST(EpochOrder, IsAPermutationThatDependsOnSeedAndEpochOnly) {
  const auto a = epoch_order(1000, 7, 0);
  std::vector<std::uint32_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::uint32_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0u);
  EXPECT_EQ(sorted, identity);
  EXPECT_EQ(a, epoch_order(1000, 7, 0));  // reproducible
  EXPECT_NE(a, epoch_order(1000, 7, 1));  // another epoch, another order
  EXPECT_NE(a, epoch_order(1000, 8, 0));  // another seed
  EXPECT_NE(a, identity);
  EXPECT_TRUE(epoch_order(0, 1, 0).empty());
  EXPECT_EQ(epoch_order(1, 1, 0), std::vector<std::uint32_t>{0});
}

TEST(StepRange, GlobalBatchesCoverTheEpochWithASmallerLastOne) {
  EXPECT_EQ(steps_per_epoch(10, 4), 3u);
  EXPECT_EQ(steps_per_epoch(12, 4), 3u);
  EXPECT_EQ(steps_per_epoch(0, 4), 0u);
  EXPECT_EQ(step_range(10, 4, 0).begin, 0u);
  EXPECT_EQ(step_range(10, 4, 2).begin, 8u);
  EXPECT_EQ(step_range(10, 4, 2).size(), 2u);  // the tail
}

TEST(RankPart, EvenPartsLargerFirst) {
  EXPECT_EQ(rank_part(10, 3, 0).size(), 4u);
  EXPECT_EQ(rank_part(10, 3, 1).begin, 4u);
  EXPECT_EQ(rank_part(10, 3, 2).size(), 3u);
  EXPECT_EQ(rank_part(1, 3, 2).size(), 0u);  // more ranks than samples: some get none
}

// Every sample exactly once per epoch over all ranks, for many sizes, batches and rank counts.
TEST(Shards, EverySampleExactlyOncePerEpochOverAllRanks) {
  for (std::size_t n : {1u, 7u, 64u, 1000u, 1001u}) {
    for (std::size_t batch : {1u, 3u, 32u, 2000u}) {
      for (int ranks : {1, 2, 3, 5, 8}) {
        const auto order = epoch_order(n, 3, 2);
        std::vector<int> seen(n, 0);
        for (std::size_t s = 0; s < steps_per_epoch(n, batch); ++s) {
          const Range global = step_range(n, batch, s);
          std::size_t covered = 0;
          for (int r = 0; r < ranks; ++r) {
            const Range part = rank_part(global.size(), ranks, r);
            EXPECT_EQ(part.begin, covered);
            covered = part.end;
            for (std::size_t k = part.begin; k < part.end; ++k) ++seen[order[global.begin + k]];
          }
          EXPECT_EQ(covered, global.size());
        }
        EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), static_cast<long>(n))
            << "n " << n << ", batch " << batch << ", ranks " << ranks;
      }
    }
  }
}

TEST(LearningRate, WarmUpThenConstantOrCosineToZero) {
  EXPECT_DOUBLE_EQ(learning_rate("constant", 0.1, 0, 100, 0), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate("constant", 0.1, 0, 100, 99), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate("constant", 0.1, 4, 100, 0), 0.025);
  EXPECT_DOUBLE_EQ(learning_rate("constant", 0.1, 4, 100, 3), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate("cosine", 0.1, 0, 100, 0), 0.1);
  EXPECT_NEAR(learning_rate("cosine", 0.1, 0, 100, 50), 0.05, 1e-12);
  EXPECT_NEAR(learning_rate("cosine", 0.1, 10, 110, 60), 0.05, 1e-12);
  EXPECT_NEAR(learning_rate("cosine", 0.1, 0, 100, 99), 0.1 * 0.5 * (1 + std::cos(M_PI * 0.99)),
              1e-12);
}

}  // namespace
}  // namespace mpibatch::train
