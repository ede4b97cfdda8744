#pragma once
/// \file PhaseTimer: attributes every moment of a rank's life to exactly one phase.
///
/// A rank is always in one phase; enter() switches and charges the elapsed time to the phase
/// being left. The totals therefore add up to the wall time by construction, which is what
/// the report's busy/idle/comm/io figures rely on.
/// \code
///   PhaseTimer timer(clock);          // starts in Phase::kInit
///   timer.enter(Phase::kCompute);     // ... forward pass ...
///   { ScopedPhase s(timer, Phase::kComm); send(); }   // back to kCompute afterwards
/// \endcode
/// Not thread-safe: one timer per rank, used from the rank's main thread.

#include <array>
#include <cstddef>
#include <string_view>

#include "mpibatch/timing/clock.h"

namespace mpibatch::timing {

enum class Phase : int {
  kInit = 0,   ///< start-up: MPI, logging, configuration, device set-up
  kRead,       ///< reading and partitioning the input (rank 0)
  kModelLoad,  ///< loading the model
  kEncode,     ///< turning items into model inputs
  kCompute,    ///< model forward passes
  kComm,       ///< sending and receiving work and results
  kWrite,      ///< writing results (rank 0)
  kWait,       ///< idle: waiting for work, results or other ranks
  kFinalize,   ///< gathering timing and closing the output
};
inline constexpr std::size_t kPhaseCount = 9;

/// Stable lower-case name used in HDF5 and reports ("model_load").
std::string_view phase_name(Phase phase);

class PhaseTimer {
 public:
  explicit PhaseTimer(const Clock& clock, Phase initial = Phase::kInit);

  /// Charges the time since the last switch to the current phase and switches to `phase`.
  /// Returns the phase that was left.
  Phase enter(Phase phase);
  Phase current() const { return current_; }

  /// Seconds spent in `phase` so far, including the running interval if it is current.
  double seconds(Phase phase) const;
  /// Seconds since construction (= sum over all phases).
  double elapsed() const;
  /// Every phase's seconds and the elapsed seconds read at one instant, so that they add up
  /// exactly (separate seconds() and elapsed() calls each read the clock).
  struct Totals {
    std::array<double, kPhaseCount> seconds{};
    double elapsed = 0.0;
  };
  Totals totals() const;
  const Clock& clock() const { return clock_; }

 private:
  const Clock& clock_;
  double start_;
  double since_;
  Phase current_;
  std::array<double, kPhaseCount> totals_{};
};

/// Enters a phase for a scope and returns to the previous one afterwards.
class ScopedPhase {
 public:
  ScopedPhase(PhaseTimer& timer, Phase phase) : timer_(timer), previous_(timer.enter(phase)) {}
  ~ScopedPhase() { timer_.enter(previous_); }
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

 private:
  PhaseTimer& timer_;
  Phase previous_;
};

}  // namespace mpibatch::timing
