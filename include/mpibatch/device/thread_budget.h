#pragma once
/// \file CPU thread budget per rank: ranks on a node never run more compute threads than cores.
///
/// Pure logic (plan_threads) plus the one function that applies a plan to this process
/// (apply_thread_budget, in device_context.cpp). docs/config.md#runtime.threads_per_rank.

#include <optional>
#include <string>
#include <vector>

namespace mpibatch::device {

/// What a rank knows about the CPUs it may use.
struct CpuView {
  std::vector<int> allowed_cpus;  ///< this process's affinity mask (sched_getaffinity), sorted
};

/// Inputs for one rank's plan: its own view and those of every rank on the same node.
struct ThreadRequest {
  int threads_per_rank = 0;  ///< 0 = auto
  int interop_threads = 1;
  std::optional<int> slurm_cpus_per_task;  ///< SLURM_CPUS_PER_TASK when set
  std::vector<CpuView> node_ranks;         ///< every rank on this node, in local-rank order
  int local_rank = 0;                      ///< index of this rank in node_ranks
};

struct ThreadBudget {
  int intra_op = 1;      ///< torch intra-op threads; also OMP/MKL/OpenBLAS thread counts
  int inter_op = 1;      ///< torch inter-op threads
  std::string reason;    ///< one line for the log, e.g. "auto: 8 cores shared by 4 ranks"
};

/// Plans this rank's threads. auto: the cores in this rank's affinity mask divided by the
/// number of node ranks whose masks overlap it, capped by SLURM_CPUS_PER_TASK, at least 1.
/// An explicit count is honoured but capped so the node's total stays within its cores, with
/// the cap noted in `reason`.
ThreadBudget plan_threads(const ThreadRequest& request);

/// This process's affinity mask.
CpuView current_cpu_view();

/// Sets OMP_NUM_THREADS, MKL_NUM_THREADS, OPENBLAS_NUM_THREADS (for anything started later)
/// and, for the libraries already loaded, torch's intra/inter-op threads and OpenBLAS's
/// thread count (openblas_set_num_threads, found at run time). Call once, before the model
/// is loaded.
void apply_thread_budget(const ThreadBudget& budget);

}  // namespace mpibatch::device
