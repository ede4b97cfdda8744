/// \file choose_device: the rules, from a CudaReport (probe_cuda, cuda_probe.cpp).

#include "mpibatch/device/device_context.h"

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

DeviceChoice cpu_choice(std::string reason) {
  DeviceChoice choice;
  choice.device = "cpu";
  choice.name = cpu_model_name();
  choice.reason = std::move(reason);
  return choice;
}

}  // namespace

DeviceChoice choose_device(const DeviceRequest& request, const CudaReport& cuda) {
  const ParsedDevice parsed = parse_device(request.device);
  const bool hard_error = request.on_missing_gpu == "error";
  if (!hard_error && request.on_missing_gpu != "fallback") {
    throw InputError("runtime.on_missing_gpu: '" + request.on_missing_gpu +
                     "' is not a policy; use fallback or error");
  }
  if (parsed.kind == ParsedDevice::Kind::kCpu) return cpu_choice("runtime.device=cpu");

  const int count = static_cast<int>(cuda.gpus.size());
  std::string why_not;  // empty: a GPU is usable
  Binding binding;
  if (count == 0) {
    why_not = cuda.why_none.empty() ? "no GPU is visible" : cuda.why_none;
  } else if (parsed.index) {
    binding.index = *parsed.index;
    binding.reason = "runtime.device=" + request.device;
    if (binding.index >= count) {
      why_not = request.device + " asked but only " + std::to_string(count) + " GPU" +
                (count == 1 ? " is" : "s are") + " visible";
    }
  } else {
    BindRequest bind;
    bind.slot = request.slot;
    bind.visible_count = count;
    bind.select = request.select;
    bind.free_memory = request.free_memory;
    bind.host = request.host;
    binding = bind_gpu(bind);
  }

  if (why_not.empty()) {
    const GpuInfo& gpu = cuda.gpus[static_cast<std::size_t>(binding.index)];
    DeviceChoice choice;
    choice.device = "cuda:" + std::to_string(binding.index);
    choice.reason =
        parsed.kind == ParsedDevice::Kind::kAuto ? "auto: " + binding.reason : binding.reason;
    choice.warning = binding.warning;
    choice.name = gpu.name;
    choice.memory_total = gpu.memory_total;
    choice.major = gpu.major;
    choice.minor = gpu.minor;
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

DeviceChoice choose_device(const DeviceRequest& request) {
  parse_device(request.device);  // a bad string is an error before anything is probed
  return choose_device(request, probe_cuda());
}

}  // namespace mpibatch::device
