#pragma once
/// \file OomBackoffRunner: a ModelRunner decorator that survives running out of memory (GPU
/// or CPU).
///
/// NOTE [oom back-off]: when the inner runner throws an out-of-memory error on a
/// batch, the decorator releases the cached memory, halves its batch limit and runs the batch
/// again in pieces of at most that size; the limit stays down for later batches (a batch that
/// did not fit once will not fit next time either). An item that runs out of memory alone
/// becomes a ModelError for that item ("out of memory on one item of N tokens, even
/// alone; ..."), so the pipeline records it as failed and goes on. The limit in use is
/// batch_limit(), recorded per rank in /ranks.batch_size.
/// \code
///   TorchScriptRunner gpu(options);
///   OomBackoffRunner runner(gpu, config.model.batch_size);
///   runner.run(batch);  // never throws an OOM; at worst a ModelError for a single item
/// \endcode
/// Not thread-safe, like the runner it wraps.

#include <cstddef>

#include "mpibatch/model/model_runner.h"

namespace mpibatch::model {

class OomBackoffRunner final : public ModelRunner {
 public:
  /// Wraps `inner` (not owned), starting from batches of at most `batch_size` (>= 1).
  OomBackoffRunner(ModelRunner& inner, std::size_t batch_size);

  std::vector<ItemOutput> run(const std::vector<const TokenIds*>& batch) override;
  std::string describe() const override { return inner_.describe(); }
  void release_memory() override { inner_.release_memory(); }
  std::uint64_t memory_peak() const override { return inner_.memory_peak(); }
  std::size_t batch_limit() const override { return limit_; }
  /// Out-of-memory errors met so far.
  std::size_t oom_count() const { return ooms_; }

 private:
  ModelRunner& inner_;
  std::size_t limit_;
  std::size_t ooms_ = 0;
};

}  // namespace mpibatch::model
