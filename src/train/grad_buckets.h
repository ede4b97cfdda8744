#pragma once
/// \file GradBuckets: averaging gradients over ranks in a few large all-reduce calls.
///
/// NOTE [gradient buckets]: the parameters are grouped, in order, into buckets of about
/// bucket_bytes; per bucket the gradients are copied into one flat float32 buffer, summed
/// over the ranks in one all_reduce_sum, and copied back. The loss each rank differentiates
/// is its samples' summed loss divided by the GLOBAL batch size, so the sum over ranks is the
/// global batch's mean gradient, whatever the split. A parameter without a gradient (no
/// samples on this rank this step, or unused) contributes zeros. Not overlapped with the
/// backward pass yet: the all-reduce starts when backward has finished.

#include <torch/torch.h>

#include <cstddef>
#include <vector>

#include "mpibatch/comm/communicator.h"

namespace mpibatch::train {

class GradBuckets {
 public:
  /// Float32 CPU parameters (the ones to train), grouped in order.
  GradBuckets(std::vector<at::Tensor> parameters, std::size_t bucket_bytes);

  /// Sums every parameter's gradient over the ranks of `comm` (collective).
  void all_reduce(comm::Communicator& comm);

  std::size_t buckets() const { return buckets_.size(); }

 private:
  struct Bucket {
    std::vector<at::Tensor> parameters;
    at::Tensor flat;  ///< float32, the parameters' numel summed
  };
  std::vector<Bucket> buckets_;
};

/// The parameters' values concatenated (float32), and the way back: for broadcasting them
/// from rank 0 and for averaging buffers.
std::vector<float> flatten_values(const std::vector<at::Tensor>& tensors);
void unflatten_values(const std::vector<float>& values, const std::vector<at::Tensor>& tensors);

}  // namespace mpibatch::train
