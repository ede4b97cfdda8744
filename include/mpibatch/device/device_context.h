#pragma once
/// \file Device choice for one rank: CPU, or one GPU chosen by node-local rank.

#include <string>

namespace mpibatch::device {

struct DeviceRequest {
  std::string device = "auto";             ///< runtime.device: auto | cpu | cuda | cuda:N
  std::string on_missing_gpu = "fallback"; ///< fallback | error
  int local_rank = 0;
};

struct DeviceChoice {
  std::string device;       ///< torch device string: "cpu", "cuda:1"
  std::string name;         ///< CPU model name or GPU name
  std::string reason;       ///< why: "auto: no CUDA in this libtorch build", "local rank 1 -> GPU 1 of 2"
  bool fell_back = false;   ///< CUDA was asked for, not usable, and on_missing_gpu=fallback
  unsigned long long memory_total = 0;  ///< GPU bytes, 0 on CPU
};

/// Chooses the device. auto: CUDA if this libtorch has CUDA and a device is visible, else CPU.
/// cuda without a usable GPU: falls back to CPU (fell_back, reason says why) or, with
/// on_missing_gpu=error, throws InputError with the reason. GPU index = local rank modulo the
/// visible GPUs; cuda:N uses GPU N.
DeviceChoice choose_device(const DeviceRequest& request);

/// libtorch version string ("1.13.1") and whether it was built with CUDA.
std::string torch_version();

}  // namespace mpibatch::device
