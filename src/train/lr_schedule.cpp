#include "mpibatch/train/lr_schedule.h"

#include <cmath>

namespace mpibatch::train {

double learning_rate(const std::string& schedule, double lr, std::uint64_t warmup_steps,
                     std::uint64_t total_steps, std::uint64_t step) {
  if (step < warmup_steps) {
    return lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  }
  if (schedule != "cosine" || total_steps <= warmup_steps) return lr;
  const double t = static_cast<double>(step - warmup_steps) /
                   static_cast<double>(total_steps - warmup_steps);
  return lr * 0.5 * (1.0 + std::cos(M_PI * t));
}

}  // namespace mpibatch::train
