#pragma once
/// \file NVML, loaded at run time (libnvidia-ml.so.1 comes with the NVIDIA driver): free GPU
/// memory, UUIDs and the driver version without making a CUDA context. Absent on machines
/// without the driver; then every query says so.

#include <cstdint>
#include <optional>
#include <string>

namespace mpibatch::device::detail {

struct NvmlGpu {
  std::string uuid;
  std::uint64_t memory_total = 0;
  std::uint64_t memory_free = 0;
};

class Nvml {
 public:
  Nvml();  ///< dlopen + nvmlInit; never throws
  ~Nvml();
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  bool loaded() const { return init_ok_; }
  /// Why not loaded: "libnvidia-ml.so.1 not found (no NVIDIA driver?)", "nvmlInit failed: 9".
  const std::string& why_not() const { return why_not_; }
  std::string driver_version() const;
  /// The newest CUDA version the driver supports, as 13000 for 13.0; 0 when unknown.
  int cuda_driver_version() const;
  /// The GPU at PCI bus id "0000:65:00.0"; nullopt when NVML does not know it.
  std::optional<NvmlGpu> gpu_at(const std::string& pci_bus_id) const;

 private:
  void* library_ = nullptr;
  bool init_ok_ = false;
  std::string why_not_;
};

}  // namespace mpibatch::device::detail
