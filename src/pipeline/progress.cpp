#include "progress.h"

#include <spdlog/spdlog.h>

#include <cmath>

namespace mpibatch::pipeline {
namespace {

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

Progress::Progress(std::uint64_t total, const timing::Clock& clock, double interval_s)
    : total_(total), clock_(clock), interval_s_(interval_s), start_(clock.now()), last_(start_) {}

void Progress::update(std::uint64_t done, std::uint64_t failed) {
  if (clock_.now() - last_ < interval_s_) return;
  last_ = clock_.now();
  log(done, failed);
}

void Progress::finish(std::uint64_t done, std::uint64_t failed) { log(done, failed); }

void Progress::log(std::uint64_t done, std::uint64_t failed) const {
  const double elapsed = clock_.now() - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double percent =
      total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0;
  std::string eta = done < total_ && rate > 0
                        ? ", ETA " + duration_text(static_cast<double>(total_ - done) / rate)
                        : "";
  spdlog::info("progress: {}/{} items ({:.0f}%), {:.1f} items/s{}{}", done, total_, percent, rate,
               eta, failed ? fmt::format(", {} failed", failed) : "");
}

}  // namespace mpibatch::pipeline
