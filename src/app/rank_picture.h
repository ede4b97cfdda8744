#pragma once
/// \file RankPicture: what every rank knows about every rank before it picks its device and
/// threads, from one all-gather (host, CPU mask, CUDA_VISIBLE_DEVICES, free GPU memory), so
/// that GPU slots (NOTE [gpu slots]) and thread plans come out alike on every rank. Used by
/// `mpibatch run` and `mpibatch doctor`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/device/device_context.h"
#include "mpibatch/device/thread_budget.h"

namespace mpibatch::app {

struct RankView {
  std::string host;
  device::CpuView cpus;
  std::string visible;                     ///< CUDA_VISIBLE_DEVICES, "<unset>" when unset
  std::vector<std::uint64_t> free_memory;  ///< per visible GPU
};

struct RankPicture {
  device::CudaReport cuda;      ///< this rank's own probe
  std::vector<RankView> ranks;  ///< every rank, in rank order
  int rank = 0;                 ///< this rank
};

/// Collective over `comm`. `probe_gpus` false (runtime.device=cpu) skips the CUDA probe.
RankPicture gather_rank_picture(comm::Communicator& comm, bool probe_gpus);

/// The device request for this rank: runtime.device, runtime.on_missing_gpu, gpu.select.
device::DeviceRequest device_request(const RankPicture& picture, const std::string& device,
                                     const std::string& on_missing_gpu,
                                     const std::string& gpu_select);

/// The thread request for this rank, over the ranks on its host; a rank counts as a GPU rank
/// when `device` (runtime.device) is not cpu and it sees a GPU (cuda:N: at least N + 1).
device::ThreadRequest thread_request(const RankPicture& picture, const std::string& device,
                                     int threads_per_rank, int interop_threads);

/// An integer environment variable; nullopt when unset, empty or not a number.
std::optional<int> env_int(const char* name);

}  // namespace mpibatch::app
