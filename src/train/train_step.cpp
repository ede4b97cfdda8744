#include "train_step.h"

namespace mpibatch::train {

at::Tensor summed_cross_entropy(const at::Tensor& logits, const at::Tensor& labels) {
  namespace F = torch::nn::functional;
  return F::cross_entropy(logits, labels, F::CrossEntropyFuncOptions().reduction(torch::kSum));
}

at::Tensor forward_logits(torch::jit::Module& module, const at::Tensor& x,
                          const model::GpuPrecision& precision) {
  model::GpuPrecision::Scope autocast(precision);
  return module.forward({x}).toTensor().to(at::kFloat);
}

double forward_backward(torch::jit::Module& module, const at::Tensor& x, const at::Tensor& y,
                        std::size_t global_batch, const model::GpuPrecision& precision) {
  const at::Tensor loss = summed_cross_entropy(forward_logits(module, x, precision), y) /
                          static_cast<double>(global_batch);
  loss.backward();
  return loss.item<double>();
}

}  // namespace mpibatch::train
