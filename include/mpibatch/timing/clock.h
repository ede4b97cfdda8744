#pragma once
/// \file Clocks. All timing in mpibatch is in seconds as double.

#include <chrono>
#include <string>

namespace mpibatch::timing {

/// Monotonic time source; faked in tests.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Seconds since an arbitrary, fixed origin; never decreases.
  virtual double now() const = 0;
};

/// std::chrono::steady_clock in seconds.
class SteadyClock final : public Clock {
 public:
  double now() const override {
    using std::chrono::duration;
    return duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
};

/// A clock that moves only when told; for tests.
class ManualClock final : public Clock {
 public:
  double now() const override { return now_; }
  void advance(double seconds) { now_ += seconds; }
  void set(double seconds) { now_ = seconds; }

 private:
  double now_ = 0.0;
};

/// Current UTC time as ISO 8601 with milliseconds ("2026-11-22T10:09:00.123Z").
std::string utc_timestamp();

}  // namespace mpibatch::timing
