#pragma once
/// \file ResultWriter: where rank 0 puts a run's results.
///
/// Contract: write_chapter() once per chapter, in any order; commit() once at the end; a
/// result is visible under its final name only after commit() succeeded, so a crash or an
/// error never leaves a truncated file there. discard() removes the unfinished file.
/// Implementations: H5ResultWriter (io/h5_result_writer.h); a recording fake in tests/support.

#include <vector>

#include "mpibatch/io/run_records.h"

namespace mpibatch::io {

class ResultWriter {
 public:
  virtual ~ResultWriter() = default;
  virtual void write_chapter(const ChapterRecord& chapter, const ChapterOutput& output) = 0;
  virtual void commit(const RunInfo& info, const std::vector<ChapterRecord>& chapters,
                      const std::vector<RankRecord>& ranks,
                      const std::vector<ItemRecord>& items) = 0;
  /// Removes the unfinished file; never throws; no effect after commit().
  virtual void discard() noexcept = 0;
};

}  // namespace mpibatch::io
