#pragma once
/// \file RecordingResultWriter: keeps what it is given, for assertions.

#include <map>
#include <vector>

#include "mpibatch/io/result_writer.h"

namespace mpibatch::testing {

class RecordingResultWriter final : public io::ResultWriter {
 public:
  void write_chapter(const io::ChapterRecord& chapter, const io::ChapterOutput& output) override {
    ++writes_per_chapter[chapter.index];
    chapters_written.push_back(chapter);
    outputs[chapter.index] = output;
  }
  void commit(const io::RunInfo& run_info, const std::vector<io::ChapterRecord>& chapter_rows,
              const std::vector<io::RankRecord>& rank_rows,
              const std::vector<io::ItemRecord>& item_rows) override {
    committed = true;
    info = run_info;
    chapters = chapter_rows;
    ranks = rank_rows;
    items = item_rows;
  }
  void discard() noexcept override { discarded = true; }

  std::vector<io::ChapterRecord> chapters_written;  ///< in write order
  std::map<std::uint32_t, int> writes_per_chapter;
  std::map<std::uint32_t, io::ChapterOutput> outputs;
  bool committed = false;
  bool discarded = false;
  io::RunInfo info;
  std::vector<io::ChapterRecord> chapters;
  std::vector<io::RankRecord> ranks;
  std::vector<io::ItemRecord> items;
};

}  // namespace mpibatch::testing
