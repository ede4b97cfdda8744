#pragma once
/// \file Which GPU a rank takes: pure rules over what every rank sees, unit-tested over many
/// environments (no CUDA, no MPI).
///
/// NOTE [gpu slots]: ranks are grouped by (host, CUDA_VISIBLE_DEVICES as they see it). Within
/// a group, in rank order, a rank's slot is its position. Without per-task binding every rank
/// of a node sees the same GPUs, so the slot is the node-local rank; when Slurm binds GPUs per
/// task (--gpus-per-task, --gpu-bind), each task sees only its own GPUs, so it is slot 0 of
/// its own group and takes its first GPU, whatever its local rank. Grouping by the visible
/// set also keeps ranks that were handed disjoint GPUs from colliding.
/// The GPU index (among the visible ones) is slot mod visible count; with
/// gpu.select=most_free_memory and no more ranks than GPUs in the group, slot k takes the GPU
/// with the k-th most free memory as the group's first rank measured it (one measurement, so
/// every rank of the group decides alike).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mpibatch::device {

/// CUDA_VISIBLE_DEVICES as CUDA reads it.
struct VisibleDevices {
  bool set = false;                  ///< false: unset, every GPU is visible
  std::vector<std::string> entries;  ///< indices ("0"), UUIDs ("GPU-...", "MIG-..."), in order
  /// Set, but hiding every GPU: "", "-1", "NoDevFiles", or a first entry CUDA rejects.
  bool hides_all() const { return set && entries.empty(); }
};

/// Parses CUDA_VISIBLE_DEVICES (nullopt = unset). Entries are comma-separated and trimmed; as
/// in CUDA, the list ends at the first entry that is neither a non-negative index nor a
/// GPU-/MIG- UUID (so "0,x,1" means "0").
VisibleDevices parse_visible_devices(const std::optional<std::string>& value);

/// What one rank contributes to the slot rule: its host and its CUDA_VISIBLE_DEVICES text
/// ("<unset>" when unset), in rank order.
struct GpuView {
  std::string host;
  std::string visible;
};

/// This rank's place among the ranks that see the same GPUs on its host.
struct GpuSlot {
  int slot = 0;        ///< 0-based, in rank order
  int sharing = 1;     ///< ranks in the group, this one included
  int first_rank = 0;  ///< the group's lowest rank (its free-memory reading decides)
};

/// NOTE [gpu slots]. `rank` must index `views`.
GpuSlot gpu_slot(const std::vector<GpuView>& views, int rank);

enum class GpuSelect { kLocalRank, kMostFreeMemory };

/// Parses gpu.select: "local_rank" or "most_free_memory"; nullopt otherwise.
std::optional<GpuSelect> parse_gpu_select(const std::string& text);

struct BindRequest {
  GpuSlot slot;
  int visible_count = 0;  ///< GPUs this rank can see, > 0
  GpuSelect select = GpuSelect::kLocalRank;
  /// Free bytes per visible GPU as the group's first rank measured them; empty = unknown.
  std::vector<std::uint64_t> free_memory;
  std::string host;  ///< for messages
};

struct Binding {
  int index = 0;       ///< among the visible GPUs
  std::string reason;  ///< "slot 1 of 2 on node07 -> GPU 1 of 4"
  /// When ranks outnumber the group's GPUs: one line naming the host and what to do.
  std::optional<std::string> warning;
};

/// The GPU for `request` (NOTE [gpu slots]).
Binding bind_gpu(const BindRequest& request);

}  // namespace mpibatch::device
