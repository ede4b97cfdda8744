#pragma once
/// \file ChapterAssembler (rank 0): item results in any order -> complete chapters -> writer.
///
/// Holds the outputs of unfinished chapters only; a chapter is written and freed as soon as
/// its last item arrives. Exactly once: a second result for an item is dropped and logged.

#include <cstdint>
#include <vector>

#include "mpibatch/io/result_writer.h"
#include "mpibatch/pipeline/pipeline.h"

namespace mpibatch::pipeline {

class ChapterAssembler {
 public:
  /// Writes the empty chapters at once.
  ChapterAssembler(std::vector<io::ChapterRecord> chapters, std::uint64_t total_items,
                   io::ResultWriter& writer, timing::PhaseTimer& timer);

  /// Takes one item's result; writes its chapter if that completes it. Returns false for a
  /// duplicate (dropped).
  bool add(ItemResult&& result);

  std::uint64_t received() const { return received_; }
  std::uint64_t failed() const { return failed_; }
  bool complete() const { return received_ == records_.size(); }

  /// Item rows in id order; call when complete().
  std::vector<io::ItemRecord> take_records() { return std::move(records_); }
  const std::vector<io::ChapterRecord>& chapters() const { return chapters_; }

 private:
  struct Pending {
    std::vector<model::ItemOutput> outputs;  ///< by index within the chapter
    std::uint32_t arrived = 0;
  };
  void write(std::uint32_t chapter);

  std::vector<io::ChapterRecord> chapters_;
  std::vector<Pending> pending_;
  std::vector<io::ItemRecord> records_;
  std::vector<bool> seen_;
  std::uint64_t received_ = 0;
  std::uint64_t failed_ = 0;
  io::ResultWriter& writer_;
  timing::PhaseTimer& timer_;
};

}  // namespace mpibatch::pipeline
