#pragma once
/// \file H5ResultWriter: the HDF5 result file (layout: docs/hdf5-schema.md).
///
/// Rank 0 only; not thread-safe (one thread calls it). Streaming: write_chapter() writes the
/// chapter's group at once, so the caller may free the outputs afterwards; memory use does not
/// grow with the run. commit() writes /items, /ranks, /chapters and the root attributes,
/// closes the file and renames "<final>.partial" to the final path.
/// \code
///   H5ResultWriter writer(config.output.path, {config.output.compression,
///                                              config.output.overwrite});  // fails early
///   for (each completed chapter) writer.write_chapter(record, outputs);   // any order
///   writer.commit(info, chapters, ranks, items);  // or nothing: the destructor discards
/// \endcode
/// Errors: InputError from the constructor (bad output location, existing file); IoError from
/// write_chapter() and commit() (an HDF5 or file-system failure, or outputs that contradict
/// their ChapterRecord), after which the writer can only be discarded.

#include <memory>
#include <string>

#include "mpibatch/io/result_writer.h"

namespace mpibatch::io {

struct H5WriterOptions {
  int compression = 0;     ///< gzip level 0-9 (with shuffle) for /results values; 0 is fastest
  bool overwrite = false;  ///< replace an existing file at the final path on commit
};

class H5ResultWriter final : public ResultWriter {
 public:
  /// Creates "<final_path>.partial" at once, so an unwritable location fails before any work
  /// is done: throws InputError naming the path and what to do. Also throws InputError if
  /// final_path exists and overwrite is false.
  H5ResultWriter(std::string final_path, H5WriterOptions options);
  ~H5ResultWriter() override;  ///< discards unless committed

  /// Writes /results/chapter_%06u. Once per chapter index (a second call throws IoError).
  /// `output.offsets` must have chapter.items + 1 entries from 0 up to the rows in
  /// `output.values`, or be empty with no values (every item has 0 rows).
  void write_chapter(const ChapterRecord& chapter, const ChapterOutput& output) override;
  /// Rows are sorted by id / rank / index whatever their order here. A chapter in `chapters`
  /// that was never written gets an empty group (offsets all 0); `output_length` in /chapters
  /// is the number of rows actually written. RunInfo::hdf5_version is ignored (the library's
  /// own version is written).
  void commit(const RunInfo& info, const std::vector<ChapterRecord>& chapters,
              const std::vector<RankRecord>& ranks, const std::vector<ItemRecord>& items) override;
  void discard() noexcept override;

  /// A train job's /train group, or an infer job over a dataset's /predictions and
  /// /evaluation (before commit(), called with no chapters and no items). Once; IoError on
  /// failure.
  void write_training(const TrainRecords& records);

  const std::string& final_path() const;
  const std::string& partial_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::io
