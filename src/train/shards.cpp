#include "mpibatch/train/shards.h"

#include <algorithm>
#include <utility>

namespace mpibatch::train {
namespace {

/// splitmix64 (Steele, Lea, Flood 2014): small, fast, and fully specified.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound) by rejection (no modulo bias).
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % bound;
  }
};

}  // namespace

std::vector<std::uint32_t> epoch_order(std::size_t n, std::uint64_t seed, std::uint64_t epoch) {
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  SplitMix64 rng{seed * 0x2545f4914f6cdd1dULL ^ (epoch + 1) * 0x9e3779b97f4a7c15ULL};
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

std::size_t steps_per_epoch(std::size_t n, std::size_t global_batch) {
  return global_batch == 0 ? 0 : (n + global_batch - 1) / global_batch;
}

Range step_range(std::size_t n, std::size_t global_batch, std::size_t step) {
  const std::size_t begin = std::min(n, step * global_batch);
  return {begin, std::min(n, begin + global_batch)};
}

Range rank_part(std::size_t count, int ranks, int rank) {
  const auto n = static_cast<std::size_t>(ranks);
  const auto r = static_cast<std::size_t>(rank);
  const std::size_t base = count / n;
  const std::size_t larger = count % n;  // the first `larger` ranks take one more
  const std::size_t begin = r * base + std::min(r, larger);
  return {begin, begin + base + (r < larger ? 1 : 0)};
}

}  // namespace mpibatch::train
