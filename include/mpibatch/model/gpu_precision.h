#pragma once
/// \file gpu.precision, gpu.tf32 and gpu.cudnn_benchmark for code that makes its own model
/// calls (the trainer); TorchScriptRunner applies them itself. Torch-free.
/// \code
///   const GpuPrecision precision("bf16", /*tf32=*/true, /*cudnn_benchmark=*/false, "cuda:0");
///   { GpuPrecision::Scope autocast(precision); logits = module.forward(...); }
/// \endcode

#include <memory>
#include <string>

namespace mpibatch::model {
namespace detail {
class AutocastScope;
}

class GpuPrecision {
 public:
  /// `precision`: fp32 | fp16 | bf16 on `device` ("cpu", "cuda:N"). On a GPU, sets TF32 and
  /// cuDNN autotuning for the process. Throws ModelError for bf16 on a GPU older than compute
  /// capability 8.0 and for an unknown name. Autocasts nothing on a CPU device or for fp32.
  GpuPrecision(const std::string& precision, bool tf32, bool cudnn_benchmark,
               const std::string& device);
  ~GpuPrecision();
  GpuPrecision(const GpuPrecision&) = delete;
  GpuPrecision& operator=(const GpuPrecision&) = delete;

  /// Autocast on this thread for the scope's lifetime (nothing for fp32 or on a CPU).
  class Scope {
   public:
    explicit Scope(const GpuPrecision& precision);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    std::unique_ptr<detail::AutocastScope> scope_;
  };

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::model
