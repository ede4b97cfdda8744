#pragma once
/// \file The GPU side of TorchScriptRunner: precision by autocast, TF32 and cuDNN flags, the
/// caching allocator. Everything that needs CUDA headers is in gpu_settings.cpp behind
/// MPIBATCH_TORCH_CUDA; a CPU-only build compiles the same calls as no-ops or errors.

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace mpibatch::model::detail {

/// Sets TF32 for fp32 matmuls and convolutions and cuDNN autotuning, process-wide.
void apply_gpu_flags(bool tf32, bool cudnn_benchmark);

/// The autocast dtype for gpu.precision on `device`: nullopt for fp32 and on CPU. Throws
/// ModelError for bf16 on a GPU older than compute capability 8.0, and for an unknown name.
std::optional<at::ScalarType> autocast_dtype(const std::string& precision,
                                             const torch::Device& device);

/// CUDA autocast to `dtype` on this thread for the scope's lifetime (nothing for nullopt);
/// restores the previous state and clears autocast's cast cache at the end.
class AutocastScope {
 public:
  explicit AutocastScope(std::optional<at::ScalarType> dtype);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  bool was_enabled_ = false;
  at::ScalarType previous_dtype_ = at::kHalf;
};

/// Returns the caching allocator's unused memory to the driver (no-op without CUDA).
void release_cuda_memory();

/// Peak bytes the caching allocator has held on `device` (0 without CUDA or on CPU).
std::uint64_t cuda_memory_peak(const torch::Device& device);

}  // namespace mpibatch::model::detail
