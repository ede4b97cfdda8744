#include "nvml.h"

#include <dlfcn.h>

namespace mpibatch::device::detail {
namespace {

// The few NVML declarations used (nvml.h, stable ABI since NVML 5).
using NvmlReturn = int;  // 0 = NVML_SUCCESS
struct NvmlDevice;
struct NvmlMemory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
using InitFn = NvmlReturn (*)();
using ShutdownFn = NvmlReturn (*)();
using DriverVersionFn = NvmlReturn (*)(char*, unsigned);
using HandleByBusFn = NvmlReturn (*)(const char*, NvmlDevice**);
using MemoryFn = NvmlReturn (*)(NvmlDevice*, NvmlMemory*);
using UuidFn = NvmlReturn (*)(NvmlDevice*, char*, unsigned);

template <class Fn>
Fn symbol(void* library, const char* name) {
  return library == nullptr ? nullptr : reinterpret_cast<Fn>(dlsym(library, name));
}

}  // namespace

Nvml::Nvml() {
  library_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) {
    why_not_ = "libnvidia-ml.so.1 not found (no NVIDIA driver on this machine?)";
    return;
  }
  const auto init = symbol<InitFn>(library_, "nvmlInit_v2");
  const NvmlReturn rc = init == nullptr ? -1 : init();
  init_ok_ = rc == 0;
  if (!init_ok_) why_not_ = "nvmlInit_v2 failed (NVML error " + std::to_string(rc) + ")";
}

Nvml::~Nvml() {
  if (init_ok_) {
    if (const auto shutdown = symbol<ShutdownFn>(library_, "nvmlShutdown")) shutdown();
  }
  if (library_ != nullptr) dlclose(library_);
}

std::string Nvml::driver_version() const {
  const auto get =
      init_ok_ ? symbol<DriverVersionFn>(library_, "nvmlSystemGetDriverVersion") : nullptr;
  char text[96] = {0};
  if (get == nullptr || get(text, sizeof text) != 0) return {};
  return text;
}

int Nvml::cuda_driver_version() const {
  using CudaVersionFn = NvmlReturn (*)(int*);
  const auto get =
      init_ok_ ? symbol<CudaVersionFn>(library_, "nvmlSystemGetCudaDriverVersion_v2") : nullptr;
  int version = 0;
  if (get == nullptr || get(&version) != 0) return 0;
  return version;
}

std::optional<NvmlGpu> Nvml::gpu_at(const std::string& pci_bus_id) const {
  if (!init_ok_) return std::nullopt;
  const auto by_bus = symbol<HandleByBusFn>(library_, "nvmlDeviceGetHandleByPciBusId_v2");
  const auto memory = symbol<MemoryFn>(library_, "nvmlDeviceGetMemoryInfo");
  const auto uuid = symbol<UuidFn>(library_, "nvmlDeviceGetUUID");
  NvmlDevice* device = nullptr;
  if (by_bus == nullptr || by_bus(pci_bus_id.c_str(), &device) != 0) return std::nullopt;
  NvmlGpu gpu;
  NvmlMemory info{};
  if (memory != nullptr && memory(device, &info) == 0) {
    gpu.memory_total = info.total;
    gpu.memory_free = info.free;
  }
  char text[96] = {0};
  if (uuid != nullptr && uuid(device, text, sizeof text) == 0) gpu.uuid = text;
  return gpu;
}

}  // namespace mpibatch::device::detail
