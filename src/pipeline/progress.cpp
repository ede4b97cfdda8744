#include "progress.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mpibatch::pipeline {
namespace {

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

/// On a terminal: "\r", the line, erase to its end; a final line ends with a newline.
/// Elsewhere: an info log line.
Progress::Sink default_sink(bool terminal) {
  if (!terminal) return [](const std::string& line, bool) { spdlog::info("progress: {}", line); };
  return [](const std::string& line, bool redraw) {
    std::fprintf(stderr, "\r%s\033[K%s", line.c_str(), redraw ? "" : "\n");
    std::fflush(stderr);
  };
}

}  // namespace

std::string progress_text(const ProgressState& s) {
  const double rate = s.elapsed_s > 0 ? static_cast<double>(s.done) / s.elapsed_s : 0.0;
  const double percent =
      s.total ? 100.0 * static_cast<double>(s.done) / static_cast<double>(s.total) : 100.0;
  std::string text =
      fmt::format("{}/{} items ({:.0f}%), {:.1f} items/s", s.done, s.total, percent, rate);
  if (s.done < s.total && rate > 0)
    text += ", ETA " + duration_text(static_cast<double>(s.total - s.done) / rate);
  text += fmt::format(", {}/{} ranks busy", s.busy_ranks, s.ranks);
  if (s.failed) text += fmt::format(", {} failed", s.failed);
  return text;
}

Progress::Progress(std::uint64_t total, int ranks, const timing::Clock& clock, double interval_s,
                   Sink sink)
    : total_(total),
      ranks_(ranks),
      clock_(clock),
      interval_s_(interval_s),
      redraw_(!sink && isatty(STDERR_FILENO)),
      sink_(sink ? std::move(sink) : default_sink(redraw_)),
      start_(clock.now()),
      last_(start_) {}

ProgressState Progress::state(std::uint64_t done, std::uint64_t failed, int busy_ranks) const {
  return {done, total_, failed, busy_ranks, ranks_, clock_.now() - start_};
}

void Progress::update(std::uint64_t done, std::uint64_t failed, int busy_ranks) {
  if (interval_s_ <= 0) return;
  const double period = redraw_ ? std::min(kRedrawSeconds, interval_s_) : interval_s_;
  if (clock_.now() - last_ < period) return;
  last_ = clock_.now();
  sink_(progress_text(state(done, failed, busy_ranks)), redraw_);
}

void Progress::finish(std::uint64_t done, std::uint64_t failed) {
  sink_(progress_text(state(done, failed, 0)), false);
}

}  // namespace mpibatch::pipeline
