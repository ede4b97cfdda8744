#pragma once
/// \file probe_batch: the largest batch that fits on a device and the throughput at each size,
/// the "optimal batch size" (`mpibatch probe-batch`, docs/gpu.md).
///
/// NOTE [batch probe]: items of `tokens` tokens each; batch sizes 1, 2, 4, ... up to
/// max_batch, each warmed up twice and timed `repeat` times (median items/s), until one runs
/// out of memory; then a binary search between the last size that fit and the first that did
/// not finds the largest that fits (timed too). The best size is the fastest that fits.
/// Out-of-memory is the c10::OutOfMemoryError a runner lets through (model_runner.h); the
/// runner's cached memory is released after each.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mpibatch/model/model_runner.h"

namespace mpibatch::model {

struct BatchProbeOptions {
  std::size_t tokens = 100;      ///< tokens per item (a long sentence: 100 bytes)
  std::size_t max_batch = 4096;  ///< largest size tried
  int repeat = 3;                ///< timed runs per size
};

struct BatchProbePoint {
  std::size_t batch = 0;
  bool fits = false;
  double items_per_s = 0.0;       ///< median of the timed runs; 0 when it did not fit
  std::uint64_t memory_peak = 0;  ///< runner's peak device memory after this size (bytes)
};

struct BatchProbe {
  std::vector<BatchProbePoint> points;  ///< in the order tried
  std::size_t largest_fit = 0;          ///< 0: not even one item fits
  std::size_t best = 0;                 ///< the fastest size that fits
  double best_items_per_s = 0.0;
};

BatchProbe probe_batch(ModelRunner& runner, const BatchProbeOptions& options);

}  // namespace mpibatch::model
