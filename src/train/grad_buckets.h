#pragma once
/// \file GradBuckets: gradients summed over ranks in a few large all-reduces, started while
/// backward still runs.
///
/// NOTE [gradient buckets]: the parameters are grouped into flat float32 buckets in REVERSE
/// order (backward produces the last layers' gradients first); the first bucket holds about
/// kFirstBucketBytes so that communication starts early (DDP does the same with 1 MiB; ours is
/// smaller because CPU models are), the others about bucket_bytes. Each parameter's .grad is a
/// view into its bucket, so autograd accumulates straight into the buffer that is reduced and
/// the optimizer reads the sum from it: no copies. A post-hook on each parameter's gradient
/// accumulator counts the gradients in; when a bucket is complete its sum starts
/// (Communicator::start_all_reduce_sum) and later hooks test the started sums, which is when
/// MPI moves them on a CPU rank. Sums start strictly in bucket order on every rank, whatever
/// order the gradients arrive in, so the ranks' collectives always match; finish() starts the
/// buckets still missing gradients (unused parameters, or a rank without samples this step,
/// whose zeroed gradients add nothing) and waits for all.
///
/// The loss each rank differentiates is its samples' summed loss divided by the GLOBAL batch
/// size, so the sum over ranks is the global batch's mean gradient, whatever the split.
///
/// Hooks run on the thread that runs backward: the rank's main thread for CPU tensors.
/// \code
///   GradBuckets buckets(params, 25 << 20, comm);
///   buckets.zero(); loss.backward(); buckets.finish(); optimizer.step();
/// \endcode

#include <torch/torch.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "mpibatch/comm/communicator.h"

namespace mpibatch::train {

class GradBuckets {
 public:
  static constexpr std::size_t kFirstBucketBytes = 256 << 10;

  /// Float32 CPU parameters (the ones to train). Replaces their gradients with zeroed views
  /// into the buckets and hooks their gradient accumulators.
  GradBuckets(std::vector<at::Tensor> parameters, std::size_t bucket_bytes,
              comm::Communicator& comm);
  ~GradBuckets();
  GradBuckets(const GradBuckets&) = delete;
  GradBuckets& operator=(const GradBuckets&) = delete;

  /// Zeroes every gradient (instead of the optimizer's zero_grad, which may drop the views).
  void zero();
  /// Completes this step's sums (collective): starts the buckets not started during backward,
  /// waits for all, and re-arms the hooks for the next step.
  void finish();

  std::size_t buckets() const { return buckets_.size(); }
  /// Buckets whose sum started during the last step's backward pass (before finish()).
  std::size_t started_in_backward() const { return last_started_in_backward_; }

 private:
  struct Bucket {
    at::Tensor flat;             ///< float32; the parameters' gradients are views into it
    std::size_t parameters = 0;  ///< how many
    std::size_t ready = 0;       ///< gradients accumulated this step
    std::unique_ptr<comm::PendingSum> sum;
  };
  struct Parameter {
    at::Tensor tensor;
    at::Tensor view;     ///< its slice of the bucket, shaped like it
    std::size_t bucket;
    std::shared_ptr<torch::autograd::Node> accumulator;  ///< kept alive, or autograd makes anew
    std::uintptr_t hook = 0;
    bool ready = false;  ///< its gradient is in this step
  };

  /// Parameter `index` has its gradient: start complete buckets in order, test others.
  void on_gradient(std::size_t index);
  void start(std::size_t bucket);

  comm::Communicator& comm_;
  std::vector<Bucket> buckets_;
  std::vector<Parameter> parameters_;
  std::size_t next_to_start_ = 0;
  std::size_t started_in_backward_ = 0;
  std::size_t last_started_in_backward_ = 0;
};

/// The parameters' values concatenated (float32), and the way back: for broadcasting them
/// from rank 0 and for averaging buffers.
std::vector<float> flatten_values(const std::vector<at::Tensor>& tensors);
void unflatten_values(const std::vector<float>& values, const std::vector<at::Tensor>& tensors);

}  // namespace mpibatch::train
