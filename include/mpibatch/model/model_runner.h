#pragma once
/// \file ModelRunner: runs batches of encoded items through a model.
///
/// The model contract (docs/model-contract.md): a batch of B items goes in as token ids
/// int64 [B, T] right-padded with 0 plus lengths int64 [B]; out comes a float tensor
/// [B, S, ...] and optionally lengths int64 [B] cutting each row to its valid part. Each
/// item's output is the rows [0, length) of its slice, as float32, row-major. An item with no
/// tokens is never sent to the model: it gets length 0 and no values.
///
/// Thread safety: a runner is used by one thread at a time.
///
/// Implementations: TorchScriptRunner (model/torchscript_runner.h); a recording fake with
/// fault switches in tests/support.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mpibatch/encode/token_ids.h"

namespace mpibatch::model {

using TokenIds = encode::TokenIds;

/// One item's output: values row-major with shape [length, feature_shape...].
struct ItemOutput {
  std::vector<float> values;
  std::int64_t length = 0;  ///< rows (e.g. samples) of this item
  /// Trailing dims, the same for every item of a model; empty for [B, S] outputs.
  std::vector<std::int64_t> feature_shape;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(values, length, feature_shape);
  }
};

class ModelRunner {
 public:
  virtual ~ModelRunner() = default;
  /// Runs one batch; returns one output per input, in order. Pointers must be non-null and
  /// stay valid during the call. Throws ModelError (one line) when the model fails on this
  /// batch or breaks the contract; the runner stays usable for further batches. A GPU runner
  /// lets the device's out-of-memory error through as it is (c10::OutOfMemoryError) for
  /// OomBackoffRunner (model/oom_backoff_runner.h) to handle.
  virtual std::vector<ItemOutput> run(const std::vector<const TokenIds*>& batch) = 0;
  /// Short description for logs ("TorchScript demo.pt on cpu").
  virtual std::string describe() const = 0;
  /// Returns cached device memory to the driver (after an OOM, or between chunks); no-op on
  /// CPU.
  virtual void release_memory() {}
  /// Peak device memory held so far, in bytes; 0 on CPU or when unknown.
  virtual std::uint64_t memory_peak() const { return 0; }
  /// The largest batch this runner runs at once; 0 = whatever it is given.
  virtual std::size_t batch_limit() const { return 0; }
};

}  // namespace mpibatch::model
