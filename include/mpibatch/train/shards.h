#pragma once
/// \file Which samples each rank trains on, step by step (pure; docs/training.md#shards).
///
/// NOTE [shards]: every epoch the sample indices are shuffled by a generator seeded with
/// (seed, epoch): the same order on every rank, whatever the number of ranks. Step s of an
/// epoch takes the global batch order[s * B, min((s + 1) * B, n)); the last step of an epoch
/// takes what is left (the uneven tail is a smaller batch, never dropped or padded). Rank r
/// of N takes the contiguous part rank_part(batch, N, r) of each global batch, its sizes
/// differing by at most one. So every sample is seen exactly once per epoch over all ranks,
/// and the global batches, hence the averaged gradients, do not depend on N.
/// \code
///   const auto order = epoch_order(n, seed, epoch);
///   for (std::size_t s = 0; s < steps_per_epoch(n, B); ++s) {
///     const Range batch = step_range(n, B, s);
///     const Range mine = rank_part(batch.size(), ranks, rank);  // offsets into batch
///   }
/// \endcode

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mpibatch::train {

struct Range {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

/// A permutation of [0, n) for `epoch` (a Fisher-Yates shuffle on splitmix64, so the same on
/// every platform and compiler).
std::vector<std::uint32_t> epoch_order(std::size_t n, std::uint64_t seed, std::uint64_t epoch);

/// ceil(n / global_batch); 0 for an empty dataset.
std::size_t steps_per_epoch(std::size_t n, std::size_t global_batch);

/// Positions in the epoch order of step `step`'s global batch.
Range step_range(std::size_t n, std::size_t global_batch, std::size_t step);

/// Rank `rank`'s part of a global batch of `count` samples split over `ranks`: offsets into
/// the batch, sizes differing by at most one, the larger parts first.
Range rank_part(std::size_t count, int ranks, int rank);

}  // namespace mpibatch::train
