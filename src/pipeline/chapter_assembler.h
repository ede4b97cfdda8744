#pragma once
/// \file ChapterAssembler (rank 0): item results in any order -> complete chapters -> writer.
///
/// Holds the outputs of unfinished chapters only; a chapter is written and freed as soon as
/// its last item arrives. Reused items (--resume) arrive first, as rows only; their outputs
/// are loaded from the earlier run when their chapter is written. Exactly once: a second
/// result for an item is dropped and logged; a result that does not fit the plan is a
/// CommError naming the item and rank.

#include <cstdint>
#include <vector>

#include "mpibatch/io/result_writer.h"
#include "mpibatch/pipeline/pipeline.h"

namespace mpibatch::pipeline {

class ChapterAssembler {
 public:
  /// Takes the reused rows and writes the chapters that are complete at once (empty ones, and
  /// those entirely reused). `reused` must outlive the assembler. Chapters with items computed
  /// in this run also go to `parts` when given.
  ChapterAssembler(std::vector<io::ChapterRecord> chapters, std::uint64_t total_items,
                   const ReusedResults& reused, io::ResultWriter& writer,
                   timing::PhaseTimer& timer, io::ResultParts* parts = nullptr);

  /// Takes one item's result; writes its chapter if that completes it. Returns false for a
  /// duplicate (dropped).
  bool add(ItemResult&& result);

  std::uint64_t received() const { return received_; }
  /// True once item `id`'s result (or reused row) is in.
  bool has(std::uint64_t id) const { return id < seen_.size() && seen_[id]; }
  std::uint64_t failed() const { return failed_; }
  bool complete() const { return received_ == records_.size(); }

  /// Item rows in id order; call when complete().
  std::vector<io::ItemRecord> take_records() { return std::move(records_); }
  const std::vector<io::ChapterRecord>& chapters() const { return chapters_; }

 private:
  struct Pending {
    std::vector<model::ItemOutput> outputs;  ///< by index within the chapter
    std::vector<bool> reused;                ///< by index: output comes from the earlier run
    std::uint32_t arrived = 0;
  };
  /// Checks that `record` belongs to the plan and was not seen; returns false for a duplicate.
  bool accept(const io::ItemRecord& record);
  Pending& pending_for(std::uint32_t chapter);
  void arrived(std::uint32_t chapter);
  void write(std::uint32_t chapter);

  std::vector<io::ChapterRecord> chapters_;
  std::vector<Pending> pending_;
  std::vector<io::ItemRecord> records_;
  std::vector<bool> seen_;
  std::uint64_t received_ = 0;
  std::uint64_t failed_ = 0;
  const ReusedResults& reused_;
  io::ResultWriter& writer_;
  timing::PhaseTimer& timer_;
  io::ResultParts* parts_;
};

}  // namespace mpibatch::pipeline
