#pragma once
/// \file Progress on rank 0: items done/total, rate, ETA, ranks busy/idle, failed items.
///
/// Where stderr is a terminal, one line redrawn in place (at most every kRedrawSeconds, or the
/// interval if shorter);
/// otherwise (Slurm logs, files, mpirun's forwarded stderr) a plain log line at most once per
/// interval (runtime.progress_interval). Built from what rank 0 already knows (results
/// received, chunks handed out): it sends no message of its own.
/// \code
///   Progress progress(total, ranks, clock, 10.0);
///   progress.update(done, failed, busy_ranks);   // as often as you like; cheap
///   progress.finish(done, failed);
/// \endcode

#include <cstdint>
#include <functional>
#include <string>

#include "mpibatch/timing/clock.h"

namespace mpibatch::pipeline {

struct ProgressState {
  std::uint64_t done = 0;  ///< items computed (ok or failed) by this run
  std::uint64_t total = 0;
  std::uint64_t failed = 0;
  int busy_ranks = 0;  ///< ranks with a chunk in hand
  int ranks = 1;
  double elapsed_s = 0.0;
};

/// "412/753 items (55%), 88.2 items/s, ETA 4s, 2/3 ranks busy, 1 failed".
std::string progress_text(const ProgressState& state);

class Progress {
 public:
  /// Gets each line and whether it is a redraw (no newline) or a line of its own.
  using Sink = std::function<void(const std::string& line, bool redraw)>;
  static constexpr double kRedrawSeconds = 0.5;

  /// `interval_s`: seconds between log lines; 0 = only the final line. `sink`: default
  /// redraws on a terminal stderr, else logs with spdlog.
  Progress(std::uint64_t total, int ranks, const timing::Clock& clock, double interval_s,
           Sink sink = {});
  /// Shows the state if the interval (or on a terminal, the redraw period) has passed.
  void update(std::uint64_t done, std::uint64_t failed, int busy_ranks);
  /// Shows the final state unconditionally, as a line of its own.
  void finish(std::uint64_t done, std::uint64_t failed);

 private:
  ProgressState state(std::uint64_t done, std::uint64_t failed, int busy_ranks) const;

  std::uint64_t total_;
  int ranks_;
  const timing::Clock& clock_;
  double interval_s_;
  bool redraw_;
  Sink sink_;
  double start_;
  double last_;
};

}  // namespace mpibatch::pipeline
