#pragma once
/// \file StreamLanes: several forward calls in flight on one device (gpu.streams, docs/gpu.md).
///
/// NOTE [streams]: lane 0 is the calling thread, lanes 1..count-1 are persistent threads, so a
/// call costs no thread start. On a CUDA device every lane runs on its own stream from
/// libtorch's pool (never the legacy default stream, which would serialise them), so one
/// lane's kernels overlap another's copies and kernels when one batch cannot fill the GPU.
/// On a CPU device the lanes are plain threads: what the CPU tests use; the pipeline gives
/// CPU ranks one lane. No torch type in this header.
/// \code
///   StreamLanes lanes(StreamLanes::Cuda{0}, 2);
///   auto errors = lanes.run(2, [&](std::size_t k) { out[k] = forward(part[k]); });
/// \endcode

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mpibatch::model::detail {

class StreamLanes {
 public:
  /// The CUDA device whose streams the lanes use; nullopt = CPU (plain threads).
  using CudaDevice = std::optional<int>;

  /// `count` >= 1 lanes; throws ModelError if the CUDA streams cannot be had.
  StreamLanes(CudaDevice device, std::size_t count);
  ~StreamLanes();
  StreamLanes(const StreamLanes&) = delete;
  StreamLanes& operator=(const StreamLanes&) = delete;

  std::size_t count() const { return count_; }

  /// Runs task(k) on lane k for every k < n (1 <= n <= count()), all at once, and returns
  /// when every one has finished: what each threw, by lane (null where it returned).
  /// One caller at a time.
  std::vector<std::exception_ptr> run(std::size_t n, const std::function<void(std::size_t)>& task);

 private:
  struct Streams;  ///< the CUDA streams (gpu side, in the .cpp)
  void serve(std::size_t lane);
  std::exception_ptr run_lane(std::size_t lane);

  std::size_t count_;
  std::unique_ptr<Streams> streams_;
  std::mutex mutex_;
  std::condition_variable wake_;  ///< a new round or stopping
  std::condition_variable done_;  ///< the round's last helper lane finished
  std::uint64_t round_ = 0;
  std::size_t lanes_in_round_ = 0;
  std::size_t pending_ = 0;
  bool stopping_ = false;
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::vector<std::exception_ptr> errors_;
  std::vector<std::thread> helpers_;  ///< lanes 1..count-1; last member: started last
};

}  // namespace mpibatch::model::detail
