/// \file probe_cuda and torch_version: what this process sees of CUDA.
///
/// NOTE [CUDA-agnostic build] This file compiles against CPU-only and CUDA libtorch alike: it
/// uses the CUDA hooks (present in both) and torch::cuda. GPU names, memory and compute
/// capability need CUDA headers and are read only when the build defines MPIBATCH_TORCH_CUDA
/// (set by CMake when the torch_cuda target exists); otherwise a GPU is "CUDA device N".

#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>
#include <torch/version.h>

#ifdef MPIBATCH_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

#include <cstdio>
#include <cstdlib>

#include "mpibatch/device/device_context.h"
#include "nvml.h"

namespace mpibatch::device {
namespace {

bool cuda_in_this_build() { return at::detail::getCUDAHooks().hasCUDART(); }

/// "12.4" from 12040 (CUDART) or "9.1.0" from 90100 (cuDNN 9) / 8902 (cuDNN 8).
std::string cuda_version_text(long version) {
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}
std::string cudnn_version_text(long version) {
  const long major = version >= 10000 ? version / 10000 : version / 1000;
  const long minor = version >= 10000 ? (version % 10000) / 100 : (version % 1000) / 100;
  const long patch = version % 100;
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string why_no_gpu(const CudaReport& report, const detail::Nvml& nvml) {
  if (!report.built_with_cuda) return "no CUDA in this libtorch build (CPU-only libtorch)";
  if (report.visible_env) {
    const VisibleDevices visible = parse_visible_devices(report.visible_env);
    if (visible.hides_all()) {
      return "CUDA_VISIBLE_DEVICES='" + *report.visible_env + "' hides every GPU";
    }
  }
  std::string why = "this libtorch has CUDA but no GPU is visible";
  why += nvml.loaded() ? " (the NVIDIA driver " + nvml.driver_version() +
                             " is loaded: is the GPU in this job's allocation?"
                       : " (" + nvml.why_not() + "; check nvidia-smi";
  if (report.visible_env) why += ", CUDA_VISIBLE_DEVICES='" + *report.visible_env + "'";
  return why + ")";
}

#ifdef MPIBATCH_TORCH_CUDA
GpuInfo describe_gpu(int index, const detail::Nvml& nvml) {
  const cudaDeviceProp* props = at::cuda::getDeviceProperties(index);
  GpuInfo gpu;
  gpu.index = index;
  gpu.name = props->name;
  gpu.memory_total = static_cast<std::uint64_t>(props->totalGlobalMem);
  gpu.major = props->major;
  gpu.minor = props->minor;
  char bus_id[32];
  std::snprintf(bus_id, sizeof bus_id, "%04x:%02x:%02x.0", props->pciDomainID, props->pciBusID,
                props->pciDeviceID);
  if (const auto seen = nvml.gpu_at(bus_id)) {
    gpu.uuid = seen->uuid;
    gpu.memory_free = seen->memory_free;
  }
  return gpu;
}
#else
GpuInfo describe_gpu(int index, const detail::Nvml&) {
  GpuInfo gpu;
  gpu.index = index;
  gpu.name = "CUDA device " + std::to_string(index);
  return gpu;
}
#endif

}  // namespace

CudaReport probe_cuda() {
  CudaReport report;
  report.torch_version = torch_version();
  report.built_with_cuda = cuda_in_this_build();
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) report.visible_env = visible;
  const detail::Nvml nvml;
  report.driver_version = nvml.driver_version();
  if (const int driver_cuda = nvml.cuda_driver_version(); driver_cuda > 0) {
    report.driver_cuda = cuda_version_text(driver_cuda);
  }
  if (report.built_with_cuda) {
    report.cuda_runtime = cuda_version_text(at::detail::getCUDAHooks().versionCUDART());
    try {
      report.cudnn_version = cudnn_version_text(at::detail::getCUDAHooks().versionCuDNN());
    } catch (const std::exception&) {  // built without cuDNN
    }
    try {
      const int count =
          torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
      for (int i = 0; i < count; ++i) report.gpus.push_back(describe_gpu(i, nvml));
    } catch (const std::exception& e) {
      report.gpus.clear();
      const std::string what = e.what();
      report.why_none = "CUDA failed to start: " + what.substr(0, what.find('\n'));
      return report;
    }
  }
  if (report.gpus.empty()) report.why_none = why_no_gpu(report, nvml);
  return report;
}

std::string torch_version() {
  std::string version = TORCH_VERSION;
  if (!cuda_in_this_build()) return version + " (CPU only)";
  return version + " (CUDA " + cuda_version_text(at::detail::getCUDAHooks().versionCUDART()) + ")";
}

}  // namespace mpibatch::device
