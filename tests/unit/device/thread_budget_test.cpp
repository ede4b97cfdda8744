#include "mpibatch/device/thread_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

namespace mpibatch::device {
namespace {

using ::testing::HasSubstr;

/// CPUs [first, last].
CpuView cpus(int first, int last) {
  CpuView view;
  for (int cpu = first; cpu <= last; ++cpu) view.allowed_cpus.push_back(cpu);
  return view;
}

CpuView cpu_list(std::vector<int> list) { return CpuView{std::move(list)}; }

/// Every rank's plan for a node.
std::vector<ThreadBudget> plan_node(ThreadRequest request) {
  std::vector<ThreadBudget> plans;
  for (int r = 0; r < static_cast<int>(request.node_ranks.size()); ++r) {
    request.local_rank = r;
    plans.push_back(plan_threads(request));
  }
  return plans;
}

int total_intra(const std::vector<ThreadBudget>& plans) {
  int total = 0;
  for (const auto& plan : plans) total += plan.intra_op;
  return total;
}

TEST(PlanThreads, OneRankGetsAllEightCores) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 7)};
  const auto budget = plan_threads(request);
  EXPECT_EQ(budget.intra_op, 8);
  EXPECT_EQ(budget.inter_op, 1);
  EXPECT_THAT(budget.reason, HasSubstr("auto: 8 cores for 1 rank -> 8 threads"));
}

TEST(PlanThreads, FourRanksSharingAnEightCoreMaskGetTwoEach) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 7), cpus(0, 7), cpus(0, 7), cpus(0, 7)};
  const auto plans = plan_node(request);
  for (const auto& plan : plans) {
    EXPECT_EQ(plan.intra_op, 2);
    EXPECT_THAT(plan.reason, HasSubstr("8 cores shared by 4 ranks"));
  }
  EXPECT_EQ(total_intra(plans), 8);
}

TEST(PlanThreads, TwoRanksBoundToDisjointSingleCoresGetOneEach) {
  // Open MPI binds to core for np <= 2: each rank sees one core of its own.
  ThreadRequest request;
  request.node_ranks = {cpu_list({0}), cpu_list({1})};
  for (const auto& plan : plan_node(request)) {
    EXPECT_EQ(plan.intra_op, 1);
    EXPECT_THAT(plan.reason, HasSubstr("1 core for 1 rank"));
  }
}

TEST(PlanThreads, DisjointMasksAreNotShared) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 3), cpus(4, 7)};
  for (const auto& plan : plan_node(request)) EXPECT_EQ(plan.intra_op, 4);
}

TEST(PlanThreads, ThreeRanksBoundToTheSameSocketShareIt) {
  // Open MPI binds to socket for np > 2: all three see the same 8-core mask.
  ThreadRequest request;
  request.node_ranks = {cpus(0, 7), cpus(0, 7), cpus(0, 7)};
  const auto plans = plan_node(request);
  for (const auto& plan : plans) EXPECT_EQ(plan.intra_op, 2);
  EXPECT_LE(total_intra(plans), 8);
}

TEST(PlanThreads, SlurmCpusPerTaskCapsTheShare) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 15)};
  request.slurm_cpus_per_task = 4;
  const auto budget = plan_threads(request);
  EXPECT_EQ(budget.intra_op, 4);
  EXPECT_THAT(budget.reason, HasSubstr("SLURM_CPUS_PER_TASK=4"));
}

TEST(PlanThreads, SlurmCpusPerTaskNeverRaisesTheShare) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 7), cpus(0, 7)};
  request.slurm_cpus_per_task = 16;
  EXPECT_EQ(plan_threads(request).intra_op, 4);
  request.slurm_cpus_per_task = 0;  // nonsense value: ignored
  EXPECT_EQ(plan_threads(request).intra_op, 4);
}

TEST(PlanThreads, ExplicitRequestWithinTheShareIsHonoured) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 7), cpus(0, 7)};
  request.threads_per_rank = 3;
  const auto budget = plan_threads(request);
  EXPECT_EQ(budget.intra_op, 3);
  EXPECT_THAT(budget.reason, HasSubstr("threads_per_rank=3"));
  EXPECT_THAT(budget.reason, ::testing::Not(HasSubstr("capped")));
}

TEST(PlanThreads, ExplicitRequestLargerThanTheShareIsCappedWithANote) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 7), cpus(0, 7), cpus(0, 7), cpus(0, 7)};
  request.threads_per_rank = 8;
  const auto plans = plan_node(request);
  for (const auto& plan : plans) {
    EXPECT_EQ(plan.intra_op, 2);
    EXPECT_THAT(plan.reason, HasSubstr("threads_per_rank=8 capped to the fair share"));
  }
  EXPECT_EQ(total_intra(plans), 8);
}

TEST(PlanThreads, ExplicitRequestIsCappedBySlurm) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 15)};
  request.threads_per_rank = 8;
  request.slurm_cpus_per_task = 2;
  EXPECT_EQ(plan_threads(request).intra_op, 2);
}

TEST(PlanThreads, OverlappingMasksCountEveryOverlappingRank) {
  // 0-3 and 2-5 overlap; 6-7 stands alone.
  ThreadRequest request;
  request.node_ranks = {cpus(0, 3), cpus(2, 5), cpus(6, 7)};
  const auto plans = plan_node(request);
  EXPECT_EQ(plans[0].intra_op, 2);
  EXPECT_EQ(plans[1].intra_op, 2);
  EXPECT_EQ(plans[2].intra_op, 2);
  EXPECT_LE(total_intra(plans), 8);
}

TEST(PlanThreads, NeverBelowOneWhenOversubscribed) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 1), cpus(0, 1), cpus(0, 1)};
  for (const auto& plan : plan_node(request)) {
    EXPECT_EQ(plan.intra_op, 1);
    EXPECT_EQ(plan.inter_op, 1);
    EXPECT_THAT(plan.reason, HasSubstr("oversubscribed"));
  }
}

TEST(PlanThreads, UnknownMaskOrRankGivesOneThread) {
  ThreadRequest request;
  request.node_ranks = {CpuView{}};
  EXPECT_EQ(plan_threads(request).intra_op, 1);
  EXPECT_THAT(plan_threads(request).reason, HasSubstr("affinity mask unknown"));

  request.node_ranks = {cpus(0, 3)};
  request.local_rank = 3;
  EXPECT_EQ(plan_threads(request).intra_op, 1);
  request.node_ranks.clear();
  request.local_rank = 0;
  EXPECT_EQ(plan_threads(request).intra_op, 1);
}

TEST(PlanThreads, UnsortedAndDuplicateCpusAreTolerated) {
  ThreadRequest request;
  request.node_ranks = {cpu_list({3, 1, 1, 2, 0})};
  EXPECT_EQ(plan_threads(request).intra_op, 4);
}

TEST(PlanThreads, InterOpThreadsStayWithinTheIntraOpShare) {
  ThreadRequest request;
  request.node_ranks = {cpus(0, 7), cpus(0, 7), cpus(0, 7), cpus(0, 7)};
  request.interop_threads = 4;
  EXPECT_EQ(plan_threads(request).inter_op, 2);
  request.interop_threads = 0;
  EXPECT_EQ(plan_threads(request).inter_op, 1);
  request.node_ranks = {cpus(0, 7)};
  request.interop_threads = 2;
  EXPECT_EQ(plan_threads(request).inter_op, 2);
}

TEST(PlanThreads, OddOverlapIsTrimmedToTheNodeCores) {
  // Ranks 0 and 2 share core 0 (each would get 1); rank 1 has cores 1-2 (would get 2):
  // 4 threads on 3 cores. The node-wide trim takes one thread from the largest plan.
  ThreadRequest request;
  request.node_ranks = {cpu_list({0}), cpu_list({1, 2}), cpu_list({0})};
  const auto plans = plan_node(request);
  EXPECT_EQ(plans[0].intra_op, 1);
  EXPECT_EQ(plans[1].intra_op, 1);
  EXPECT_EQ(plans[2].intra_op, 1);
  EXPECT_THAT(plans[1].reason, HasSubstr("trimmed"));
  EXPECT_EQ(total_intra(plans), 3);
}

TEST(PlanThreads, NodeTotalNeverExceedsItsCoresWhenRanksFit) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 3000; ++trial) {
    const int cores = std::uniform_int_distribution<int>(1, 12)(rng);
    const int ranks = std::uniform_int_distribution<int>(1, cores)(rng);
    ThreadRequest request;
    request.threads_per_rank = std::uniform_int_distribution<int>(0, 6)(rng);
    if (trial % 3 == 0) request.slurm_cpus_per_task = std::uniform_int_distribution<int>(1, 6)(rng);
    std::set<int> node;
    for (int r = 0; r < ranks; ++r) {
      std::vector<int> mask;
      for (int cpu = 0; cpu < cores; ++cpu) {
        if (std::bernoulli_distribution(0.4)(rng)) mask.push_back(cpu);
      }
      if (mask.empty()) mask.push_back(std::uniform_int_distribution<int>(0, cores - 1)(rng));
      node.insert(mask.begin(), mask.end());
      request.node_ranks.push_back(cpu_list(mask));
    }
    const auto plans = plan_node(request);
    for (const auto& plan : plans) {
      ASSERT_GE(plan.intra_op, 1);
      ASSERT_GE(plan.inter_op, 1);
      ASSERT_LE(plan.inter_op, plan.intra_op);
    }
    if (ranks <= static_cast<int>(node.size())) {
      ASSERT_LE(total_intra(plans), static_cast<int>(node.size())) << "trial " << trial;
    }
  }
}

TEST(CurrentCpuView, ListsThisProcessesCpus) {
  const auto view = current_cpu_view();
  ASSERT_FALSE(view.allowed_cpus.empty());
  EXPECT_TRUE(std::is_sorted(view.allowed_cpus.begin(), view.allowed_cpus.end()));
  EXPECT_GE(view.allowed_cpus.front(), 0);
}

CpuView on_gpu(CpuView view) {
  view.gpu = true;
  return view;
}

TEST(PlanThreads, GpuRanksTakeTwoThreadsAndCpuRanksShareTheRest) {
  // 16 cores, 4 GPU ranks and 2 CPU ranks on one mask: 2 each for the GPU ranks, (16 - 8) / 2.
  ThreadRequest request;
  request.node_ranks = {on_gpu(cpus(0, 15)), on_gpu(cpus(0, 15)), on_gpu(cpus(0, 15)),
                        on_gpu(cpus(0, 15)), cpus(0, 15),         cpus(0, 15)};
  const auto plans = plan_node(request);
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(plans[static_cast<std::size_t>(r)].intra_op, 2);
    EXPECT_THAT(plans[static_cast<std::size_t>(r)].reason, HasSubstr("GPU rank (few CPU threads"));
  }
  EXPECT_EQ(plans[4].intra_op, 4);
  EXPECT_THAT(plans[4].reason, HasSubstr("16 cores shared by 6 ranks, 4 of them on GPUs with 2 "
                                         "threads each -> 4 threads"));
  EXPECT_EQ(total_intra(plans), 16);
}

TEST(PlanThreads, GpuRanksNeverMoreThanTheirShareAndExplicitCountsWin) {
  // 4 cores, 4 GPU ranks: one each (the share is below kGpuRankThreads).
  ThreadRequest crowded;
  crowded.node_ranks = {on_gpu(cpus(0, 3)), on_gpu(cpus(0, 3)), on_gpu(cpus(0, 3)),
                        on_gpu(cpus(0, 3))};
  for (const auto& plan : plan_node(crowded)) EXPECT_EQ(plan.intra_op, 1);
  // Explicit threads_per_rank: the same rule for GPU and CPU ranks.
  ThreadRequest explicit_count;
  explicit_count.threads_per_rank = 3;
  explicit_count.node_ranks = {on_gpu(cpus(0, 7)), cpus(0, 7)};
  for (const auto& plan : plan_node(explicit_count)) EXPECT_EQ(plan.intra_op, 3);
  // Separate masks (Slurm --cpus-per-task): a GPU rank's own cores stay with it, capped at 2.
  ThreadRequest bound;
  bound.node_ranks = {on_gpu(cpus(0, 7)), cpus(8, 15)};
  const auto plans = plan_node(bound);
  EXPECT_EQ(plans[0].intra_op, 2);
  EXPECT_EQ(plans[1].intra_op, 8);
}

}  // namespace
}  // namespace mpibatch::device
