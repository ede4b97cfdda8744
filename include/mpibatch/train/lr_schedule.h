#pragma once
/// \file The learning rate at each step (pure; docs/training.md#learning-rate).
///
/// Warm-up: linear from lr / warmup_steps at step 0 to lr at step warmup_steps - 1. After it,
/// `constant` keeps lr; `cosine` decays from lr to 0 over the remaining steps:
/// lr * (1 + cos(pi * t)) / 2 with t = (step - warmup) / (total - warmup).

#include <cstdint>
#include <string>

namespace mpibatch::train {

double learning_rate(const std::string& schedule, double lr, std::uint64_t warmup_steps,
                     std::uint64_t total_steps, std::uint64_t step);

}  // namespace mpibatch::train
