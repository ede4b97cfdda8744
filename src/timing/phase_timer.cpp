#include "mpibatch/timing/phase_timer.h"

#include <ctime>
#include <string>

namespace mpibatch::timing {

std::string_view phase_name(Phase phase) {
  static constexpr std::array<std::string_view, kPhaseCount> kNames = {
      "init", "read", "model_load", "encode", "compute", "comm", "write", "wait", "finalize"};
  return kNames[static_cast<std::size_t>(phase)];
}

PhaseTimer::PhaseTimer(const Clock& clock, Phase initial)
    : clock_(clock), start_(clock.now()), since_(start_), current_(initial) {}

Phase PhaseTimer::enter(Phase phase) {
  const double now = clock_.now();
  totals_[static_cast<std::size_t>(current_)] += now - since_;
  since_ = now;
  const Phase left = current_;
  current_ = phase;
  return left;
}

double PhaseTimer::seconds(Phase phase) const {
  double total = totals_[static_cast<std::size_t>(phase)];
  if (phase == current_) total += clock_.now() - since_;
  return total;
}

double PhaseTimer::elapsed() const { return clock_.now() - start_; }

PhaseTimer::Totals PhaseTimer::totals() const {
  const double now = clock_.now();
  Totals totals{totals_, now - start_};
  totals.seconds[static_cast<std::size_t>(current_)] += now - since_;
  return totals;
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(millis));
  return out;
}

}  // namespace mpibatch::timing
