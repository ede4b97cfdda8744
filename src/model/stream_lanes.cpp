#include "stream_lanes.h"

#ifdef MPIBATCH_TORCH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

#include <stdexcept>
#include <string>

#include "mpibatch/error.h"

namespace mpibatch::model::detail {

#ifdef MPIBATCH_TORCH_CUDA
struct StreamLanes::Streams {
  std::vector<c10::cuda::CUDAStream> streams;
};
#else
struct StreamLanes::Streams {};
#endif

StreamLanes::StreamLanes(CudaDevice device, std::size_t count)
    : count_(count), errors_(count) {
  if (count_ == 0) throw std::invalid_argument("StreamLanes: at least one lane");
  if (device) {
#ifdef MPIBATCH_TORCH_CUDA
    streams_ = std::make_unique<Streams>();
    for (std::size_t k = 0; k < count_; ++k) {
      streams_->streams.push_back(
          c10::cuda::getStreamFromPool(false, static_cast<c10::DeviceIndex>(*device)));
    }
#else
    throw ModelError("gpu.streams: this libtorch has no CUDA support, so there are no streams");
#endif
  }
  for (std::size_t lane = 1; lane < count_; ++lane) helpers_.emplace_back([this, lane] { serve(lane); });
}

StreamLanes::~StreamLanes() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& helper : helpers_) helper.join();
}

std::exception_ptr StreamLanes::run_lane(std::size_t lane) {
  try {
#ifdef MPIBATCH_TORCH_CUDA
    std::optional<c10::cuda::CUDAStreamGuard> on_stream;
    if (streams_) on_stream.emplace(streams_->streams[lane]);
#endif
    (*task_)(lane);
    return nullptr;
  } catch (...) {
    return std::current_exception();
  }
}

void StreamLanes::serve(std::size_t lane) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || round_ != seen; });
      if (stopping_) return;
      seen = round_;
      if (lane >= lanes_in_round_) continue;
    }
    std::exception_ptr error = run_lane(lane);
    std::lock_guard<std::mutex> lock(mutex_);
    errors_[lane] = std::move(error);
    if (--pending_ == 0) done_.notify_one();
  }
}

std::vector<std::exception_ptr> StreamLanes::run(std::size_t n,
                                                 const std::function<void(std::size_t)>& task) {
  if (n == 0 || n > count_) {
    throw std::invalid_argument("StreamLanes::run: " + std::to_string(n) + " tasks for " +
                                std::to_string(count_) + " lanes");
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    lanes_in_round_ = n;
    pending_ = n - 1;
    errors_.assign(count_, nullptr);
    ++round_;
  }
  if (n > 1) wake_.notify_all();
  std::exception_ptr first = run_lane(0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
  errors_[0] = std::move(first);
  std::vector<std::exception_ptr> errors(errors_.begin(), errors_.begin() + static_cast<std::ptrdiff_t>(n));
  task_ = nullptr;
  return errors;
}

}  // namespace mpibatch::model::detail
