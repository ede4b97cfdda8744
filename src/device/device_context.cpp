/// \file choose_device and torch_version.
///
/// NOTE [CUDA-agnostic build] This file compiles against CPU-only and CUDA libtorch alike: it
/// uses only torch::cuda::is_available()/device_count() and the CUDA hooks registry, which
/// exist in both. GPU names and memory need CUDA headers and are read only when the build
/// defines MPIBATCH_TORCH_CUDA (set by CMake when the torch_cuda target exists); otherwise a
/// GPU is named "CUDA device N" with memory_total 0.

#include "mpibatch/device/device_context.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>
#include <torch/version.h>

#ifdef MPIBATCH_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "mpibatch/error.h"

namespace mpibatch::device {
namespace {

/// What runtime.device asked for.
struct ParsedDevice {
  enum class Kind { kAuto, kCpu, kCuda } kind = Kind::kAuto;
  std::optional<int> index;  ///< cuda:N
};

ParsedDevice parse_device(const std::string& text) {
  if (text == "auto") return {ParsedDevice::Kind::kAuto, std::nullopt};
  if (text == "cpu") return {ParsedDevice::Kind::kCpu, std::nullopt};
  if (text == "cuda") return {ParsedDevice::Kind::kCuda, std::nullopt};
  const std::string prefix = "cuda:";
  if (text.size() > prefix.size() && text.size() <= prefix.size() + 4 &&
      text.compare(0, prefix.size(), prefix) == 0) {
    const std::string digits = text.substr(prefix.size());
    bool all_digits = true;
    for (char c : digits) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    if (all_digits) return {ParsedDevice::Kind::kCuda, std::stoi(digits)};
  }
  throw InputError("runtime.device: '" + text +
                   "' is not a device; use auto, cpu, cuda or cuda:N (N = GPU index)");
}

bool cuda_in_this_build() { return at::CUDAHooksRegistry()->Has("CUDAHooks"); }

/// Visible GPUs, or the reason there are none.
struct CudaState {
  int count = 0;
  std::string why_none;
};

CudaState cuda_state() {
  CudaState state;
  if (!cuda_in_this_build()) {
    state.why_none = "no CUDA in this libtorch build (CPU-only libtorch)";
    return state;
  }
  state.count = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  if (state.count > 0) return state;
  const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
  if (visible != nullptr && (std::string(visible).empty() || std::string(visible) == "-1")) {
    state.why_none = std::string("CUDA_VISIBLE_DEVICES='") + visible + "' hides every GPU";
  } else {
    state.why_none =
        "this libtorch has CUDA but no GPU is visible (no NVIDIA driver or device?"
        " check nvidia-smi" +
        std::string(visible ? std::string(" and CUDA_VISIBLE_DEVICES='") + visible + "'"
                            : std::string()) +
        ")";
  }
  return state;
}

/// "model name" from /proc/cpuinfo (x86), else another model line (ARM), else "CPU".
std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::string fallback;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    std::string value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
      value.erase(value.begin());
    }
    if (value.empty()) continue;
    if (key == "model name") return value;
    if (fallback.empty() && (key == "Hardware" || key == "cpu model" || key == "Model")) {
      fallback = value;
    }
  }
  return fallback.empty() ? "CPU" : fallback;
}

void describe_gpu(int index, DeviceChoice& choice) {
#ifdef MPIBATCH_TORCH_CUDA
  const auto* props = at::cuda::getDeviceProperties(index);
  choice.name = props->name;
  choice.memory_total = static_cast<unsigned long long>(props->totalGlobalMem);
#else
  choice.name = "CUDA device " + std::to_string(index);
  choice.memory_total = 0;
#endif
}

DeviceChoice cpu_choice(std::string reason) {
  DeviceChoice choice;
  choice.device = "cpu";
  choice.name = cpu_model_name();
  choice.reason = std::move(reason);
  return choice;
}

}  // namespace

DeviceChoice choose_device(const DeviceRequest& request) {
  const ParsedDevice parsed = parse_device(request.device);
  const bool hard_error = request.on_missing_gpu == "error";
  if (!hard_error && request.on_missing_gpu != "fallback") {
    throw InputError("runtime.on_missing_gpu: '" + request.on_missing_gpu +
                     "' is not a policy; use fallback or error");
  }
  if (parsed.kind == ParsedDevice::Kind::kCpu) return cpu_choice("runtime.device=cpu");

  const CudaState cuda = cuda_state();
  const int local_rank = request.local_rank < 0 ? 0 : request.local_rank;
  std::string why_not;  // empty: a GPU is usable
  int index = 0;
  if (cuda.count == 0) {
    why_not = cuda.why_none;
  } else if (parsed.index) {
    index = *parsed.index;
    if (index >= cuda.count) {
      why_not = request.device + " asked but only " + std::to_string(cuda.count) + " GPU" +
                (cuda.count == 1 ? " is" : "s are") + " visible";
    }
  } else {
    index = local_rank % cuda.count;
  }

  if (why_not.empty()) {
    DeviceChoice choice;
    choice.device = "cuda:" + std::to_string(index);
    choice.reason = parsed.index ? "runtime.device=" + request.device
                                 : "local rank " + std::to_string(local_rank) + " -> GPU " +
                                       std::to_string(index) + " of " + std::to_string(cuda.count);
    if (parsed.kind == ParsedDevice::Kind::kAuto) choice.reason = "auto: " + choice.reason;
    describe_gpu(index, choice);
    return choice;
  }
  if (parsed.kind == ParsedDevice::Kind::kAuto) return cpu_choice("auto: " + why_not);
  if (hard_error) {
    throw InputError("runtime.device=" + request.device + " but " + why_not +
                     "; use runtime.device=auto or cpu, or runtime.on_missing_gpu=fallback");
  }
  DeviceChoice choice = cpu_choice("runtime.device=" + request.device + " but " + why_not +
                                   "; falling back to CPU (runtime.on_missing_gpu=fallback)");
  choice.fell_back = true;
  return choice;
}

std::string torch_version() {
  std::string version = TORCH_VERSION;
  if (!cuda_in_this_build()) return version + " (CPU only)";
  const long cudart = at::detail::getCUDAHooks().versionCUDART();
  return version + " (CUDA " + std::to_string(cudart / 1000) + "." +
         std::to_string((cudart % 1000) / 10) + ")";
}

}  // namespace mpibatch::device
