#include "gpu_settings.h"

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#ifdef MPIBATCH_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "mpibatch/error.h"

namespace mpibatch::model::detail {
namespace {

// libtorch 2.4 made autocast's state per device type; 1.13 (Debian) has the CUDA-only calls.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool cuda_autocast_enabled() { return at::autocast::is_autocast_enabled(at::kCUDA); }
void set_cuda_autocast(bool enabled) { at::autocast::set_autocast_enabled(at::kCUDA, enabled); }
at::ScalarType cuda_autocast_dtype() { return at::autocast::get_autocast_dtype(at::kCUDA); }
void set_cuda_autocast_dtype(at::ScalarType dtype) {
  at::autocast::set_autocast_dtype(at::kCUDA, dtype);
}
#else
bool cuda_autocast_enabled() { return at::autocast::is_enabled(); }
void set_cuda_autocast(bool enabled) { at::autocast::set_enabled(enabled); }
at::ScalarType cuda_autocast_dtype() { return at::autocast::get_autocast_gpu_dtype(); }
void set_cuda_autocast_dtype(at::ScalarType dtype) { at::autocast::set_autocast_gpu_dtype(dtype); }
#endif

}  // namespace

void apply_gpu_flags(bool tf32, bool cudnn_benchmark) {
  at::globalContext().setFloat32MatmulPrecision(tf32 ? "high" : "highest");
  at::globalContext().setAllowTF32CuDNN(tf32);
  at::globalContext().setBenchmarkCuDNN(cudnn_benchmark);
}

std::optional<at::ScalarType> autocast_dtype(const std::string& precision,
                                             const torch::Device& device) {
  if (precision == "fp32" || !device.is_cuda()) return std::nullopt;
  if (precision == "fp16") return at::kHalf;
  if (precision != "bf16") {
    throw ModelError("gpu.precision: '" + precision +
                     "' is not a precision; use fp32, fp16 or bf16");
  }
#ifdef MPIBATCH_TORCH_CUDA
  const cudaDeviceProp* props = at::cuda::getDeviceProperties(device.index());
  if (props->major < 8) {
    throw ModelError("gpu.precision=bf16 needs a GPU of compute capability 8.0 or newer; " +
                     std::string(props->name) + " is " + std::to_string(props->major) + "." +
                     std::to_string(props->minor) + "; use gpu.precision=fp16 or fp32");
  }
#endif
  return at::kBFloat16;
}

AutocastScope::AutocastScope(std::optional<at::ScalarType> dtype) {
  if (!dtype) return;
  active_ = true;
  was_enabled_ = cuda_autocast_enabled();
  previous_dtype_ = cuda_autocast_dtype();
  set_cuda_autocast(true);
  set_cuda_autocast_dtype(*dtype);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_cuda_autocast(was_enabled_);
  set_cuda_autocast_dtype(previous_dtype_);
}

void release_cuda_memory() {
#ifdef MPIBATCH_TORCH_CUDA
  c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

std::uint64_t cuda_memory_peak(const torch::Device& device) {
#ifdef MPIBATCH_TORCH_CUDA
  if (!device.is_cuda()) return 0;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index());
  // Entry 0 is StatType::AGGREGATE (c10::cuda::CUDACachingAllocator's in 1.x,
  // c10::CachingAllocator's in 2.x).
  return static_cast<std::uint64_t>(stats.reserved_bytes[0].peak);
#else
  (void)device;
  return 0;
#endif
}

}  // namespace mpibatch::model::detail
