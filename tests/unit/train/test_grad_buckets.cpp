// GradBuckets on in-process ranks: gradients summed over ranks in place, the last layers'
// bucket started during backward, unused parameters contributing zeros; the same sums through
// host buffers (the GPU transport, forced on CPU).
#include "grad_buckets.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <mutex>

#include "mpibatch/comm/fake_communicator.h"

namespace mpibatch::train {
namespace {

constexpr std::int64_t kBig = 70'000;  // 280 KB: more than the first bucket's 256 KiB

struct Outcome {
  std::vector<at::Tensor> grads;  ///< rank 0's, per parameter
  std::size_t buckets = 0;
  std::size_t started_in_backward = 0;
};

/// Parameters w1 [8], w2 [kBig], unused [4], with loss sum(w1 * x) + sum(w2 * y) on each rank,
/// x and y depending on the rank; one or two steps.
Outcome sum_over(int ranks, int steps, BucketTransport transport = BucketTransport::kAuto) {
  Outcome outcome;
  std::mutex mutex;
  comm::FakeWorld world(ranks);
  world.run([&](comm::Communicator& comm) {
    at::Tensor w1 = torch::zeros({8}, torch::requires_grad());
    at::Tensor unused = torch::zeros({4}, torch::requires_grad());
    at::Tensor w2 = torch::zeros({kBig}, torch::requires_grad());
    GradBuckets buckets({w1, unused, w2}, 1 << 20, comm, transport);
    const float r = static_cast<float>(comm.rank() + 1);
    for (int step = 0; step < steps; ++step) {
      buckets.zero();
      const at::Tensor loss = (w1 * torch::full({8}, r)).sum() + (w2 * torch::full({kBig}, 2 * r)).sum();
      loss.backward();
      buckets.finish();
    }
    if (comm.rank() == 0) {
      std::lock_guard<std::mutex> lock(mutex);
      outcome.grads = {w1.grad().clone(), unused.grad().clone(), w2.grad().clone()};
      outcome.buckets = buckets.buckets();
      outcome.started_in_backward = buckets.started_in_backward();
    }
  });
  return outcome;
}

TEST(GradBuckets, SumsEveryRanksGradientsInPlace) {
  for (int ranks : {1, 2, 3}) {
    const Outcome o = sum_over(ranks, 2);  // the second step proves zero() and re-arming
    const float total = static_cast<float>(ranks * (ranks + 1) / 2);
    EXPECT_TRUE(o.grads[0].eq(total).all().item<bool>()) << ranks << " ranks";
    EXPECT_TRUE(o.grads[1].eq(0.0f).all().item<bool>()) << ranks << " ranks";
    EXPECT_TRUE(o.grads[2].eq(2 * total).all().item<bool>()) << ranks << " ranks";
  }
}

TEST(GradBuckets, ThroughHostBuffersGivesTheSameSums) {
  for (int ranks : {1, 2, 3}) {
    const Outcome o = sum_over(ranks, 2, BucketTransport::kThroughHost);
    const float total = static_cast<float>(ranks * (ranks + 1) / 2);
    EXPECT_TRUE(o.grads[0].eq(total).all().item<bool>()) << ranks << " ranks";
    EXPECT_TRUE(o.grads[1].eq(0.0f).all().item<bool>()) << ranks << " ranks";
    EXPECT_TRUE(o.grads[2].eq(2 * total).all().item<bool>()) << ranks << " ranks";
    EXPECT_EQ(o.started_in_backward, 0u) << "no hooks: every sum runs after backward";
  }
}

TEST(GradBuckets, StartsTheLastParametersBucketDuringBackward) {
  const Outcome o = sum_over(2, 1);
  // Reversed: [w2] fills the small first bucket; [unused, w1] is the second, which waits for
  // finish() because `unused` never gets a gradient.
  EXPECT_EQ(o.buckets, 2u);
  EXPECT_EQ(o.started_in_backward, 1u);
}

TEST(GradBuckets, RejectsParametersItCannotBucket) {
  comm::FakeWorld world(1);
  world.run([](comm::Communicator& comm) {
    at::Tensor doubles = torch::zeros({3}, torch::dtype(torch::kDouble).requires_grad(true));
    EXPECT_THROW(GradBuckets({doubles}, 1 << 20, comm), std::invalid_argument);
    EXPECT_THROW(GradBuckets({}, 1 << 20, comm), std::invalid_argument);
  });
}

}  // namespace
}  // namespace mpibatch::train
