#pragma once
/// \file BatchWorker: one rank's items through the model, batch by batch.
///
/// A batch whose model call fails is retried item by item (NOTE [batch retry]). When the
/// model has failed on max_consecutive_failures items in a row, the rank stops calling it:
/// its remaining items are recorded as skipped with the reason, so the job still ends with
/// every item accounted for, a result file and exit code 1, and --resume can run them later.

#include <cstdint>
#include <optional>
#include <vector>

#include "mpibatch/pipeline/fault_injection.h"
#include "mpibatch/pipeline/pipeline.h"

namespace mpibatch::pipeline {

class BatchWorker {
 public:
  /// `epoch` is the common clock's zero on ctx.timer's clock.
  BatchWorker(RankContext& ctx, const PipelineOptions& options, double epoch);

  /// `items` in order, cut into batches of up to batch_size x streams (for run_batch).
  std::vector<std::vector<const work::WorkItem*>> batches(
      const std::vector<const work::WorkItem*>& items) const;

  /// One batch: encode, forward (retrying item by item on a ModelError), one result per item.
  /// With release_memory, the runner's cached memory is released first when the batch begins
  /// in another chapter than the last batch began.
  std::vector<ItemResult> run_batch(const std::vector<const work::WorkItem*>& batch);

  /// The batch's items recorded as skipped with `reason`, without encoding or calling the
  /// model (the job was interrupted); not counted in items_done().
  std::vector<ItemResult> skip_batch(const std::vector<const work::WorkItem*>& batch,
                                     const std::string& reason) const;

  /// True once the model failed max_consecutive_failures items in a row; later items are
  /// recorded as skipped without calling the model.
  bool stopped() const;

  std::uint64_t items_done() const { return done_; }
  std::uint64_t items_failed() const { return failed_; }
  /// Common-clock time of the first batch's start and the last batch's end (0 if none).
  double first_start() const { return first_start_; }
  double last_end() const { return last_end_; }

 private:
  /// Forward pass over `results` (encoded, status ok); fills outputs and compute shares.
  void forward(std::vector<ItemResult*>& results, const std::vector<model::TokenIds>& ids);
  /// Records an item as not run because of stopped().
  void skip(io::ItemRecord& record);

  RankContext& ctx_;
  int batch_size_;  ///< items per batch: batch_size x streams
  bool release_memory_;
  std::optional<std::uint32_t> last_chapter_;  ///< of the last batch's first item
  std::uint32_t attempt_;
  int max_failures_in_a_row_;
  double simulated_speed_;
  double epoch_;
  int failures_in_a_row_ = 0;
  std::string last_error_;
  bool announced_stop_ = false;
  std::int32_t batch_number_ = 0;
  std::uint64_t done_ = 0;
  std::uint64_t failed_ = 0;
  std::optional<Fault> fault_;  ///< MPIBATCH_FAULT (a testing knob)
  double first_start_ = -1.0;
  double last_end_ = 0.0;
};

}  // namespace mpibatch::pipeline
