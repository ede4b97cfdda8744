#include "grad_buckets.h"

#include <cstring>
#include <stdexcept>

namespace mpibatch::train {

GradBuckets::GradBuckets(std::vector<at::Tensor> parameters, std::size_t bucket_bytes) {
  std::size_t bytes = bucket_bytes;  // start a bucket with the first parameter
  for (at::Tensor& p : parameters) {
    if (p.scalar_type() != at::kFloat || !p.device().is_cpu()) {
      throw std::invalid_argument("GradBuckets: float32 CPU parameters only");
    }
    if (bytes >= bucket_bytes) {
      buckets_.emplace_back();
      bytes = 0;
    }
    buckets_.back().parameters.push_back(p);
    bytes += static_cast<std::size_t>(p.numel()) * sizeof(float);
  }
  for (Bucket& bucket : buckets_) {
    std::int64_t numel = 0;
    for (const at::Tensor& p : bucket.parameters) numel += p.numel();
    bucket.flat = torch::empty({numel}, torch::kFloat);
  }
}

void GradBuckets::all_reduce(comm::Communicator& comm) {
  torch::NoGradGuard no_grad;
  for (Bucket& bucket : buckets_) {
    std::int64_t offset = 0;
    for (const at::Tensor& p : bucket.parameters) {
      at::Tensor slice = bucket.flat.narrow(0, offset, p.numel());
      if (p.grad().defined()) {
        slice.copy_(p.grad().reshape({-1}));
      } else {
        slice.zero_();
      }
      offset += p.numel();
    }
    comm.all_reduce_sum(bucket.flat.data_ptr<float>(), static_cast<std::size_t>(offset));
    offset = 0;
    for (at::Tensor& p : bucket.parameters) {
      at::Tensor summed = bucket.flat.narrow(0, offset, p.numel()).view(p.sizes());
      if (p.grad().defined()) {
        p.mutable_grad().copy_(summed);
      } else {
        p.mutable_grad() = summed.clone();
      }
      offset += p.numel();
    }
  }
}

std::vector<float> flatten_values(const std::vector<at::Tensor>& tensors) {
  std::vector<float> values;
  for (const at::Tensor& t : tensors) {
    const at::Tensor flat = t.detach().to(at::kFloat).contiguous().reshape({-1});
    values.insert(values.end(), flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
  }
  return values;
}

void unflatten_values(const std::vector<float>& values, const std::vector<at::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  std::size_t offset = 0;
  for (const at::Tensor& t : tensors) {
    const auto n = static_cast<std::size_t>(t.numel());
    if (offset + n > values.size()) throw std::invalid_argument("unflatten_values: too few values");
    at::Tensor source = torch::from_blob(const_cast<float*>(values.data() + offset),
                                         t.sizes(), torch::kFloat);
    at::Tensor(t).copy_(source);  // a handle to the same tensor
    offset += n;
  }
}

}  // namespace mpibatch::train
