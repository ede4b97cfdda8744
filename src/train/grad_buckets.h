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
/// GPU parameters take another transport (BucketTransport::kThroughHost): Debian's Open MPI is
/// not CUDA-aware, and autograd runs a GPU's hooks on its own device thread, where this rank's
/// MPI must not be called. So no hooks: after backward, finish() copies each bucket into a
/// host buffer (pinned on CUDA), sums the host buffers with all buckets in flight at once, and
/// copies the sums back. CPU ranks can be forced onto this path (the tests do, to check it).
/// CPU hooks run on the thread that runs backward: the rank's main thread.
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

enum class BucketTransport {
  kAuto,         ///< kInPlace for CPU parameters, kThroughHost for others
  kInPlace,      ///< MPI sums the buckets themselves, started during backward (CPU only)
  kThroughHost,  ///< copied to host buffers after backward, summed there, copied back
};

class GradBuckets {
 public:
  static constexpr std::size_t kFirstBucketBytes = 256 << 10;

  /// Float32 parameters (the ones to train), all on one device. Replaces their gradients
  /// with zeroed views into the buckets (on that device) and, in place, hooks their gradient
  /// accumulators. Throws std::invalid_argument for other dtypes, mixed devices, or kInPlace
  /// on a GPU.
  GradBuckets(std::vector<at::Tensor> parameters, std::size_t bucket_bytes,
              comm::Communicator& comm, BucketTransport transport = BucketTransport::kAuto);
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
  bool through_host() const { return through_host_; }

 private:
  struct Bucket {
    at::Tensor flat;             ///< float32; the parameters' gradients are views into it
    at::Tensor host;             ///< kThroughHost: the CPU buffer MPI sums
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
  /// Puts the gradient back into p's view if autograd replaced or dropped the view.
  static void fold_back(Parameter& p);
  void start(std::size_t bucket);
  void finish_through_host();

  comm::Communicator& comm_;
  bool through_host_ = false;
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
