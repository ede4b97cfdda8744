#pragma once
/// \file Device choice for one rank: CPU, or one GPU (NOTE [gpu slots] in gpu_binding.h).
///
/// Two steps, so that the rules are tested without a GPU: probe_cuda() reads what this
/// process can see (libtorch's CUDA support, the visible GPUs, NVML's free memory and driver);
/// choose_device() decides from that report alone.
/// \code
///   const CudaReport cuda = probe_cuda();          // every rank
///   request.slot = gpu_slot(all_views, rank);      // after an all-gather of GpuViews
///   const DeviceChoice choice = choose_device(request, cuda);
/// \endcode

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mpibatch/device/gpu_binding.h"

namespace mpibatch::device {

/// One visible GPU, by CUDA index (CUDA_VISIBLE_DEVICES applied).
struct GpuInfo {
  int index = 0;
  std::string name;                ///< "NVIDIA H200"
  std::string uuid;                ///< "GPU-8c1e...", from NVML; empty when unknown
  std::uint64_t memory_total = 0;  ///< bytes
  std::uint64_t memory_free = 0;   ///< bytes, from NVML (no CUDA context is made); 0 = unknown
  int major = 0;                   ///< compute capability
  int minor = 0;
};

/// What this process sees of CUDA.
struct CudaReport {
  std::string torch_version;  ///< "2.11.0 (CUDA 13.0)", "1.13.0 (CPU only)"
  bool built_with_cuda = false;
  std::string cuda_runtime;    ///< the CUDA this libtorch was built with, "13.0"; empty if none
  std::string cudnn_version;   ///< "9.10.2", empty when none
  std::string driver_version;  ///< from NVML, empty when NVML is not there
  std::string driver_cuda;     ///< newest CUDA the driver supports, "13.0"; empty if unknown
  std::optional<std::string> visible_env;  ///< CUDA_VISIBLE_DEVICES
  std::vector<GpuInfo> gpus;               ///< the usable, visible GPUs
  std::string why_none;                    ///< when gpus is empty: one line, the cause
};

/// Reads this process's view; never throws (a failing probe is a reason in why_none).
/// Initialises CUDA's runtime but makes no context on any GPU.
CudaReport probe_cuda();

struct DeviceRequest {
  std::string device = "auto";               ///< runtime.device: auto | cpu | cuda | cuda:N
  std::string on_missing_gpu = "fallback";   ///< fallback | error
  GpuSlot slot;                              ///< gpu_slot() over every rank's GpuView
  GpuSelect select = GpuSelect::kLocalRank;  ///< gpu.select
  /// Free bytes per visible GPU as the slot group's first rank measured them; empty = unknown.
  std::vector<std::uint64_t> free_memory;
  std::string host;  ///< for messages
};

struct DeviceChoice {
  std::string device;  ///< torch device string: "cpu", "cuda:1"
  std::string name;    ///< CPU model name or GPU name
  /// Why, one line for the log: "auto: no CUDA in this libtorch build (CPU-only libtorch)",
  /// "auto: slot 1 of 2 on node07 -> GPU 1 of 4", "runtime.device=cuda but ...; falling back
  /// to CPU ...".
  std::string reason;
  bool fell_back = false;  ///< CUDA was asked for, not usable, and on_missing_gpu=fallback
  std::optional<std::string> warning;  ///< e.g. more ranks than GPUs on a node
  std::uint64_t memory_total = 0;      ///< GPU bytes; 0 on CPU
  int major = 0;                       ///< GPU compute capability; 0 on CPU
  int minor = 0;
};

/// Chooses the device from `cuda`. auto: a GPU when one is visible, else CPU (never counted as a
/// fallback). cuda / cuda:N without a usable GPU (no CUDA in the build, no GPU visible,
/// CUDA_VISIBLE_DEVICES hiding all, N >= visible GPUs): falls back to CPU (fell_back, reason
/// says why) or, with on_missing_gpu=error, throws InputError with the reason. auto and cuda
/// bind by bind_gpu(); cuda:N uses visible GPU N. A malformed device string or policy throws
/// InputError ("runtime.device: 'gpu' is not a device; use auto, cpu, cuda or cuda:N").
DeviceChoice choose_device(const DeviceRequest& request, const CudaReport& cuda);

/// choose_device(request, probe_cuda()), for tools and tests.
DeviceChoice choose_device(const DeviceRequest& request);

/// libtorch version and build: "1.13.0 (CPU only)" or "2.11.0 (CUDA 13.0)". The number is
/// TORCH_VERSION from the headers (Debian's 1.13.1 package says 1.13.0).
std::string torch_version();

}  // namespace mpibatch::device
