#include "mpibatch/model/batch_probe.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <chrono>

namespace mpibatch::model {
namespace {

/// Runs `size` items twice for warm-up and `repeat` times timed; fits=false on OOM.
BatchProbePoint try_size(ModelRunner& runner, const TokenIds& item, std::size_t size, int repeat) {
  BatchProbePoint point;
  point.batch = size;
  const std::vector<const TokenIds*> batch(size, &item);
  try {
    // Two warm-ups: a new shape costs TorchScript's profiling executor a profiled run and then
    // a compiled one (the H200 showed batch 2 at 16 items/s after one warm-up).
    runner.run(batch);
    runner.run(batch);
    std::vector<double> seconds;
    for (int r = 0; r < std::max(repeat, 1); ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      runner.run(batch);
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    point.fits = true;
    point.items_per_s = static_cast<double>(size) / std::max(seconds[seconds.size() / 2], 1e-9);
  } catch (const c10::OutOfMemoryError&) {
    runner.release_memory();
  }
  point.memory_peak = runner.memory_peak();
  return point;
}

}  // namespace

BatchProbe probe_batch(ModelRunner& runner, const BatchProbeOptions& options) {
  // NOTE [batch probe]
  const TokenIds item(std::max<std::size_t>(options.tokens, 1), 97);
  BatchProbe probe;
  std::size_t fit = 0;
  std::size_t failed = 0;
  for (std::size_t size = 1; size <= std::max<std::size_t>(options.max_batch, 1); size *= 2) {
    probe.points.push_back(try_size(runner, item, size, options.repeat));
    if (!probe.points.back().fits) {
      failed = size;
      break;
    }
    fit = size;
  }
  while (failed > 0 && fit > 0 && failed - fit > 1) {
    const std::size_t middle = fit + (failed - fit) / 2;
    probe.points.push_back(try_size(runner, item, middle, options.repeat));
    (probe.points.back().fits ? fit : failed) = middle;
  }
  probe.largest_fit = fit;
  for (const BatchProbePoint& point : probe.points) {
    if (point.fits && point.items_per_s > probe.best_items_per_s) {
      probe.best = point.batch;
      probe.best_items_per_s = point.items_per_s;
    }
  }
  return probe;
}

}  // namespace mpibatch::model
