#pragma once
/// \file Progress lines on rank 0: done/total, rate, ETA, failures; at most one per interval.

#include <cstdint>

#include "mpibatch/timing/clock.h"

namespace mpibatch::pipeline {

class Progress {
 public:
  Progress(std::uint64_t total, const timing::Clock& clock, double interval_s);
  /// Logs a line if the interval has passed since the last one.
  void update(std::uint64_t done, std::uint64_t failed);
  /// Logs the final line unconditionally.
  void finish(std::uint64_t done, std::uint64_t failed);

 private:
  void log(std::uint64_t done, std::uint64_t failed) const;

  std::uint64_t total_;
  const timing::Clock& clock_;
  double interval_s_;
  double start_;
  double last_ = 0.0;
};

}  // namespace mpibatch::pipeline
