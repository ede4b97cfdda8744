#pragma once
/// \file FakeModelRunner: a deterministic stand-in for a model, with fault switches.
///
/// Each item's output has `rows_per_token` rows per token of `features` values each (none =
/// 1-D); value (row r, feature f) = first token + r + 1000 * f. So outputs depend only on the
/// item, never on its batch, and tests can predict them exactly.

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "mpibatch/model/model_runner.h"

namespace mpibatch::testing {

class FakeModelRunner final : public model::ModelRunner {
 public:
  int rows_per_token = 2;
  std::vector<std::int64_t> features;  ///< feature_shape of every output; empty = 1-D
  /// Fault switch: any batch holding an item whose ids contain this byte sequence throws
  /// ModelError (so a retry item by item fails that item only).
  std::string fail_on_text;
  /// Fault switch: throws std::runtime_error (not a ModelError) on the n-th batch (0-based).
  int crash_on_batch = -1;
  /// Each call sleeps this long per item: a device of known speed.
  double seconds_per_item = 0.0;

  std::vector<model::ItemOutput> run(const std::vector<const model::TokenIds*>& batch) override;
  std::string describe() const override { return "fake model"; }

  /// Expected output of one item (the same rule run() uses).
  model::ItemOutput expected(const model::TokenIds& ids) const;
  void release_memory() override;

  /// Sizes of the batches run so far.
  std::vector<std::size_t> batch_sizes() const;
  /// For each release_memory() call, the number of batches run before it.
  std::vector<std::size_t> releases() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::size_t> batch_sizes_;
  std::vector<std::size_t> releases_;
};

/// Byte ids as the `bytes` encoder makes them.
model::TokenIds byte_ids(const std::string& text);

}  // namespace mpibatch::testing
