/// \file plan_threads (pure) and current_cpu_view (sched_getaffinity). The part that touches
/// torch, apply_thread_budget, lives in torch_threads.cpp.

#include "mpibatch/device/thread_budget.h"

#include <sched.h>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace mpibatch::device {
namespace {

bool overlaps(const std::vector<int>& a, const std::vector<int>& b) {
  // Both sorted: a linear merge walk.
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return true;
    if (*i < *j) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

std::string plural(long n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// One rank's plan before the node-wide trim.
struct RankPlan {
  int threads = 1;
  std::string reason;
};

/// The documented rule for rank `r`, as every rank of the node computes it.
RankPlan plan_rank(const ThreadRequest& request, const std::vector<std::vector<int>>& masks,
                   std::size_t r) {
  const auto& own = masks[r];
  long sharers = 0;
  long gpu_sharers = 0;
  for (std::size_t other = 0; other < masks.size(); ++other) {
    if (!overlaps(own, masks[other]) && other != r) continue;
    ++sharers;
    if (request.node_ranks[other].gpu) ++gpu_sharers;
  }
  sharers = std::max(sharers, 1L);
  const long cores = static_cast<long>(own.size());
  const bool gpu = request.node_ranks[r].gpu;

  RankPlan plan;
  long fair = cores / sharers;
  std::string why =
      own.empty() ? std::string("affinity mask unknown")
                  : plural(cores, "core") +
                        (sharers == 1 ? " for 1 rank" : " shared by " + plural(sharers, "rank"));
  if (request.threads_per_rank <= 0 && gpu_sharers > 0 && !own.empty()) {
    // GPU ranks take few threads; CPU ranks share what the GPU ranks leave.
    const long gpu_threads = std::min<long>(kGpuRankThreads, std::max(fair, 1L));
    if (gpu) {
      fair = gpu_threads;
      why = "GPU rank (few CPU threads; " + why + ")";
    } else {
      fair = (cores - gpu_sharers * gpu_threads) / (sharers - gpu_sharers);
      why += ", " + std::to_string(gpu_sharers) + " of them on GPUs with " +
             plural(gpu_threads, "thread") + " each";
    }
  }
  if (fair < 1) {
    fair = 1;
    if (!own.empty()) why += " (oversubscribed)";
  }
  if (request.slurm_cpus_per_task && *request.slurm_cpus_per_task >= 1 &&
      *request.slurm_cpus_per_task < fair) {
    why += ", capped by SLURM_CPUS_PER_TASK=" + std::to_string(*request.slurm_cpus_per_task);
    fair = *request.slurm_cpus_per_task;
  }

  if (request.threads_per_rank <= 0) {
    plan.threads = static_cast<int>(fair);
    plan.reason = "auto: " + why + " -> " + plural(fair, "thread");
  } else if (request.threads_per_rank > fair) {
    plan.threads = static_cast<int>(fair);
    plan.reason = "threads_per_rank=" + std::to_string(request.threads_per_rank) +
                  " capped to the fair share: " + why + " -> " + plural(fair, "thread");
  } else {
    plan.threads = request.threads_per_rank;
    plan.reason = "threads_per_rank=" + std::to_string(request.threads_per_rank) + " (" + why + ")";
  }
  return plan;
}

}  // namespace

ThreadBudget plan_threads(const ThreadRequest& request) {
  ThreadBudget budget;
  if (request.node_ranks.empty() || request.local_rank < 0 ||
      static_cast<std::size_t>(request.local_rank) >= request.node_ranks.size()) {
    budget.intra_op = 1;
    budget.inter_op = 1;
    budget.reason =
        "no CPU view for local rank " + std::to_string(request.local_rank) + " -> 1 thread";
    return budget;
  }

  // Sorted, de-duplicated masks, and the node's union of cores.
  std::vector<std::vector<int>> masks;
  std::set<int> node_cores;
  for (const auto& view : request.node_ranks) {
    std::set<int> unique(view.allowed_cpus.begin(), view.allowed_cpus.end());
    masks.emplace_back(unique.begin(), unique.end());
    node_cores.insert(unique.begin(), unique.end());
  }

  std::vector<RankPlan> plans;
  for (std::size_t r = 0; r < masks.size(); ++r) plans.push_back(plan_rank(request, masks, r));

  // NOTE [node-wide trim] The per-rank rule keeps the node's total within its cores for
  // identical, disjoint and nested masks. For odd partial overlaps the "at least 1" floor can
  // push the total over; every rank then lowers the largest plans (ties: the highest local
  // rank) by the same deterministic steps, so all ranks agree without talking.
  const long cores = static_cast<long>(node_cores.size());
  const long ranks = static_cast<long>(plans.size());
  long total = 0;
  for (const auto& plan : plans) total += plan.threads;
  bool trimmed = false;
  if (ranks <= cores) {
    while (total > cores) {
      std::size_t largest = 0;
      for (std::size_t r = 0; r < plans.size(); ++r) {
        if (plans[r].threads >= plans[largest].threads) largest = r;
      }
      if (plans[largest].threads <= 1) break;  // cannot happen when ranks <= cores
      --plans[largest].threads;
      --total;
      if (largest == static_cast<std::size_t>(request.local_rank)) trimmed = true;
    }
  }

  const auto& mine = plans[static_cast<std::size_t>(request.local_rank)];
  budget.intra_op = std::max(1, mine.threads);
  budget.reason = mine.reason;
  if (trimmed) {
    budget.reason += "; trimmed to " + plural(budget.intra_op, "thread") + " so the node's " +
                     std::to_string(ranks) + " ranks fit its " + plural(cores, "core");
  }
  // Inter-op threads only run forked TorchScript work; never more than the intra-op share.
  budget.inter_op = std::clamp(request.interop_threads, 1, budget.intra_op);
  return budget;
}

CpuView current_cpu_view() {
  CpuView view;
  // Grow the set until it covers the kernel's CPU count (EINVAL means "too small").
  for (int ncpus = 1024; ncpus <= (1 << 20); ncpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(ncpus);
    if (set == nullptr) break;
    const std::size_t size = CPU_ALLOC_SIZE(ncpus);
    CPU_ZERO_S(size, set);
    if (sched_getaffinity(0, size, set) == 0) {
      for (int cpu = 0; cpu < ncpus; ++cpu) {
        if (CPU_ISSET_S(cpu, size, set)) view.allowed_cpus.push_back(cpu);
      }
      CPU_FREE(set);
      return view;
    }
    CPU_FREE(set);
  }
  return view;  // unknown: plan_threads treats an empty mask as one core
}

}  // namespace mpibatch::device
