#include "grad_buckets.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <stdexcept>

namespace mpibatch::train {

GradBuckets::GradBuckets(std::vector<at::Tensor> parameters, std::size_t bucket_bytes,
                         comm::Communicator& comm, BucketTransport transport)
    : comm_(comm) {
  torch::NoGradGuard no_grad;
  if (parameters.empty()) throw std::invalid_argument("GradBuckets: no parameters");
  const at::Device device = parameters.front().device();
  through_host_ = transport == BucketTransport::kThroughHost ||
                  (transport == BucketTransport::kAuto && !device.is_cpu());
  if (!through_host_ && !device.is_cpu()) {
    throw std::invalid_argument("GradBuckets: in-place sums need CPU parameters");
  }
  std::reverse(parameters.begin(), parameters.end());
  std::vector<std::int64_t> numels;  // per bucket
  std::size_t bytes = 0;
  std::size_t cap = std::min(kFirstBucketBytes, bucket_bytes);
  for (at::Tensor& p : parameters) {
    if (p.scalar_type() != at::kFloat || p.device() != device) {
      throw std::invalid_argument("GradBuckets: float32 parameters on one device only");
    }
    if (numels.empty() || bytes >= cap) {
      if (!numels.empty()) cap = bucket_bytes;
      numels.push_back(0);
      bytes = 0;
    }
    parameters_.push_back({p, {}, numels.size() - 1, nullptr, 0, false});
    numels.back() += p.numel();
    bytes += static_cast<std::size_t>(p.numel()) * sizeof(float);
  }
  buckets_.resize(numels.size());
  for (std::size_t b = 0; b < numels.size(); ++b) {
    buckets_[b].flat = torch::zeros({numels[b]}, torch::dtype(torch::kFloat).device(device));
    if (through_host_) {
      buckets_[b].host =
          torch::empty({numels[b]}, torch::dtype(torch::kFloat).pinned_memory(device.is_cuda()));
    }
  }
  std::vector<std::int64_t> offset(numels.size(), 0);
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    Parameter& p = parameters_[i];
    Bucket& bucket = buckets_[p.bucket];
    p.view = bucket.flat.narrow(0, offset[p.bucket], p.tensor.numel()).view(p.tensor.sizes());
    offset[p.bucket] += p.tensor.numel();
    bucket.parameters += 1;
    p.tensor.mutable_grad() = p.view;
    if (through_host_) continue;
    p.accumulator = torch::autograd::impl::grad_accumulator(p.tensor);
    p.hook = p.accumulator->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
        [this, i](const torch::autograd::variable_list& outputs,
                  const torch::autograd::variable_list&) {
          on_gradient(i);
          return outputs;
        }));
  }
}

GradBuckets::~GradBuckets() {
  for (Parameter& p : parameters_) {
    if (p.accumulator) p.accumulator->del_post_hook(p.hook);
  }
}

void GradBuckets::zero() {
  torch::NoGradGuard no_grad;
  for (Bucket& bucket : buckets_) bucket.flat.zero_();
}

void GradBuckets::on_gradient(std::size_t index) {
  Parameter& p = parameters_[index];
  if (p.ready) return;  // a second backward in one step adds to the views of started sums
  p.ready = true;
  fold_back(p);
  Bucket& bucket = buckets_[p.bucket];
  bucket.ready += 1;
  while (next_to_start_ < buckets_.size() &&
         buckets_[next_to_start_].ready == buckets_[next_to_start_].parameters) {
    start(next_to_start_);
    ++started_in_backward_;
  }
  for (std::size_t b = 0; b < next_to_start_; ++b) buckets_[b].sum->test();
}

void GradBuckets::fold_back(Parameter& p) {
  const at::Tensor& grad = p.tensor.grad();
  if (grad.defined() && grad.data_ptr() == p.view.data_ptr()) return;
  // Autograd put a new tensor in .grad (someone replaced or dropped the view): fold it back.
  torch::NoGradGuard no_grad;
  if (grad.defined()) p.view.copy_(grad);
  p.tensor.mutable_grad() = p.view;
}

void GradBuckets::start(std::size_t bucket) {
  Bucket& b = buckets_[bucket];
  b.sum = comm_.start_all_reduce_sum(b.flat.data_ptr<float>(),
                                     static_cast<std::size_t>(b.flat.numel()));
  next_to_start_ = bucket + 1;
}

void GradBuckets::finish() {
  if (through_host_) return finish_through_host();
  while (next_to_start_ < buckets_.size()) start(next_to_start_);
  for (Bucket& bucket : buckets_) {
    bucket.sum->wait();
    bucket.sum.reset();
    bucket.ready = 0;
  }
  for (Parameter& p : parameters_) p.ready = false;
  next_to_start_ = 0;
  last_started_in_backward_ = started_in_backward_;
  started_in_backward_ = 0;
}

void GradBuckets::finish_through_host() {
  torch::NoGradGuard no_grad;
  for (Parameter& p : parameters_) fold_back(p);
  for (Bucket& bucket : buckets_) {
    bucket.host.copy_(bucket.flat);  // waits for backward's kernels on a GPU
    bucket.sum = comm_.start_all_reduce_sum(bucket.host.data_ptr<float>(),
                                            static_cast<std::size_t>(bucket.host.numel()));
  }
  for (Bucket& bucket : buckets_) {
    bucket.sum->wait();
    bucket.sum.reset();
    bucket.flat.copy_(bucket.host);
  }
  last_started_in_backward_ = 0;
}

std::vector<float> flatten_values(const std::vector<at::Tensor>& tensors) {
  std::vector<float> values;
  for (const at::Tensor& t : tensors) {
    const at::Tensor flat = t.detach().to(at::kCPU, at::kFloat).contiguous().reshape({-1});
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
