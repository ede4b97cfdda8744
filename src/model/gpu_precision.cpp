#include "mpibatch/model/gpu_precision.h"

#include <optional>

#include "gpu_settings.h"

namespace mpibatch::model {

struct GpuPrecision::Impl {
  std::optional<at::ScalarType> dtype;
};

GpuPrecision::GpuPrecision(const std::string& precision, bool tf32, bool cudnn_benchmark,
                           const std::string& device)
    : impl_(std::make_unique<Impl>()) {
  const torch::Device where(device);
  impl_->dtype = detail::autocast_dtype(precision, where);
  if (where.is_cuda()) detail::apply_gpu_flags(tf32, cudnn_benchmark);
}

GpuPrecision::~GpuPrecision() = default;

GpuPrecision::Scope::Scope(const GpuPrecision& precision)
    : scope_(std::make_unique<detail::AutocastScope>(precision.impl_->dtype)) {}

GpuPrecision::Scope::~Scope() = default;

}  // namespace mpibatch::model
