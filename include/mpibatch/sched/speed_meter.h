#pragma once
/// \file SpeedMeter: one rank's measured speed, cost done per second of compute, as the
/// policies learn it from the rank's reports.

#include <algorithm>

namespace mpibatch::sched {

class SpeedMeter {
 public:
  /// `cost` was done in `seconds`; a report of no time (a clock's resolution) counts as 1 µs.
  void record(double cost, double seconds) {
    done_cost_ += cost;
    busy_s_ += std::max(seconds, kShortest_s);
  }
  bool measured() const { return busy_s_ > 0; }
  /// Cost per second; 0 until measured.
  double speed() const { return busy_s_ > 0 ? done_cost_ / busy_s_ : 0.0; }
  double done_cost() const { return done_cost_; }

 private:
  static constexpr double kShortest_s = 1e-6;
  double done_cost_ = 0.0;
  double busy_s_ = 0.0;
};

}  // namespace mpibatch::sched
