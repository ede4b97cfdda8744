#pragma once
/// \file Device choice for one rank: CPU, or one GPU chosen by node-local rank.

#include <string>

namespace mpibatch::device {

struct DeviceRequest {
  std::string device = "auto";              ///< runtime.device: auto | cpu | cuda | cuda:N
  std::string on_missing_gpu = "fallback";  ///< fallback | error
  int local_rank = 0;
};

struct DeviceChoice {
  std::string device;  ///< torch device string: "cpu", "cuda:1"
  std::string name;    ///< CPU model name or GPU name
  /// Why, one line for the log: "auto: no CUDA in this libtorch build (CPU-only libtorch)",
  /// "auto: local rank 1 -> GPU 1 of 2", "runtime.device=cuda but ...; falling back to CPU ...".
  std::string reason;
  bool fell_back = false;  ///< CUDA was asked for, not usable, and on_missing_gpu=fallback
  /// GPU bytes; 0 on CPU, and 0 for GPUs too unless built with MPIBATCH_TORCH_CUDA.
  unsigned long long memory_total = 0;
};

/// Chooses the device. auto: CUDA if this libtorch has CUDA and a device is visible, else CPU
/// (never counted as a fallback). cuda / cuda:N without a usable GPU (no CUDA in the build, no
/// GPU visible, CUDA_VISIBLE_DEVICES empty, N >= visible GPUs): falls back to CPU (fell_back,
/// reason says why) or, with on_missing_gpu=error, throws InputError with the reason. GPU
/// index = local rank modulo the visible GPUs (CUDA_VISIBLE_DEVICES applies); cuda:N uses GPU
/// N. A malformed device string or policy throws InputError ("runtime.device: 'gpu' is not a
/// device; use auto, cpu, cuda or cuda:N"). Safe to call before MPI or torch threads are set.
DeviceChoice choose_device(const DeviceRequest& request);

/// libtorch version and build: "1.13.0 (CPU only)" or "1.13.0 (CUDA 11.7)". The number is
/// TORCH_VERSION from the headers (Debian's 1.13.1 package says 1.13.0).
std::string torch_version();

}  // namespace mpibatch::device
