#pragma once
/// \file CPU thread budget per rank: ranks on a node never run more compute threads than cores.
///
/// Pure logic (plan_threads, thread_budget.cpp) plus the functions that apply a plan to this
/// process and read it back (torch_threads.cpp). docs/threads.md explains the rule with
/// examples; docs/config.md#runtime.threads_per_rank the keys.

#include <optional>
#include <string>
#include <vector>

namespace mpibatch::device {

/// What a rank knows about the CPUs it may use.
struct CpuView {
  std::vector<int> allowed_cpus;  ///< this process's affinity mask (sched_getaffinity), sorted
  bool gpu = false;               ///< the rank computes on a GPU (see kGpuRankThreads)
};

/// CPU threads of a rank that computes on a GPU, with threads_per_rank auto: it only feeds
/// the GPU, so the cores go to the CPU ranks sharing its cores (docs/threads.md).
inline constexpr int kGpuRankThreads = 2;

/// Inputs for one rank's plan: its own view and those of every rank on the same node.
struct ThreadRequest {
  int threads_per_rank = 0;  ///< 0 = auto
  int interop_threads = 1;
  std::optional<int> slurm_cpus_per_task;  ///< SLURM_CPUS_PER_TASK when set
  std::vector<CpuView> node_ranks;         ///< every rank on this node, in local-rank order
  int local_rank = 0;                      ///< index of this rank in node_ranks
};

struct ThreadBudget {
  int intra_op = 1;    ///< torch intra-op threads; also OMP/MKL/OpenBLAS thread counts
  int inter_op = 1;    ///< torch inter-op threads
  std::string reason;  ///< one line for the log, e.g. "auto: 8 cores shared by 4 ranks"
};

/// Plans this rank's threads. auto: the cores in this rank's affinity mask divided by the
/// number of node ranks whose masks overlap it (itself included), capped by
/// SLURM_CPUS_PER_TASK, at least 1; a GPU rank takes at most kGpuRankThreads of that, and a
/// CPU rank shares what the overlapping GPU ranks leave with the other CPU ranks. An explicit count is honoured but capped to that fair share
/// so the node's total stays within its cores, with the cap noted in `reason`.
///
/// Guarantees: intra_op >= 1; inter_op = clamp(interop_threads, 1, intra_op); when the node has
/// no more ranks than cores (the union of the masks), the sum of intra_op over the node's ranks
/// never exceeds that union (odd partial overlaps are trimmed deterministically, the same way
/// on every rank). An empty mask counts as one core; a local_rank outside node_ranks gets 1.
/// Pure: no system calls, so every rank computes every rank's plan identically.
ThreadBudget plan_threads(const ThreadRequest& request);

/// This process's affinity mask (empty if sched_getaffinity fails).
CpuView current_cpu_view();

/// Sets OMP_NUM_THREADS, MKL_NUM_THREADS, OPENBLAS_NUM_THREADS (for anything started later)
/// and, for the libraries already loaded, torch's intra/inter-op threads and OpenBLAS's
/// thread count (openblas_set_num_threads, found at run time). Call once, before the model
/// is loaded. Inter-op threads can be set only once per process and only before inter-op work
/// has started: a second call, or a call after such work, keeps the current count and logs a
/// warning when it differs. Never throws for that.
void apply_thread_budget(const ThreadBudget& budget);

/// The thread counts in effect now, for logs and the /ranks table.
struct TorchThreads {
  int intra_op = 0;  ///< at::get_num_threads()
  int inter_op = 0;  ///< at::get_num_interop_threads()
  int openblas = 0;  ///< openblas_get_num_threads(), or 0 when OpenBLAS is not loaded
};
TorchThreads current_torch_threads();

}  // namespace mpibatch::device
