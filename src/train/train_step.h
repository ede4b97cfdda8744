#pragma once
/// \file One rank's share of a data-parallel training step, on the model's device: forward
/// under gpu.precision's autocast, the loss, backward. The gradient sums (GradBuckets) and the
/// optimizer step are the caller's, so that their time can be told apart.
/// \code
///   buckets.zero();
///   const double share = forward_backward(module, x, y, global_batch, precision);
///   buckets.finish();  // every rank, also one whose part of the batch is empty
///   optimizer.step();
/// \endcode

#include <torch/script.h>
#include <torch/torch.h>

#include <cstddef>

#include "mpibatch/model/gpu_precision.h"

namespace mpibatch::train {

/// Summed cross-entropy of `logits` against `labels`.
at::Tensor summed_cross_entropy(const at::Tensor& logits, const at::Tensor& labels);

/// Logits of `x` as float32, under `precision`'s autocast (backward runs outside it, as in
/// PyTorch).
at::Tensor forward_logits(torch::jit::Module& module, const at::Tensor& x,
                          const model::GpuPrecision& precision);

/// Forward and backward of this rank's samples (x, y on the model's device). The loss is
/// their summed cross-entropy divided by the GLOBAL batch size, so that the sum over ranks of
/// the gradients is the global batch's mean gradient (NOTE [gradient buckets]). Returns that
/// loss share.
double forward_backward(torch::jit::Module& module, const at::Tensor& x, const at::Tensor& y,
                        std::size_t global_batch, const model::GpuPrecision& precision);

}  // namespace mpibatch::train
