#pragma once
/// \file H5ResultWriter: the HDF5 result file (layout: docs/hdf5-schema.md).

#include <memory>
#include <string>

#include "mpibatch/io/result_writer.h"

namespace mpibatch::io {

struct H5WriterOptions {
  int compression = 0;     ///< gzip level 0-9 for /results datasets
  bool overwrite = false;  ///< replace an existing file at the final path on commit
};

class H5ResultWriter final : public ResultWriter {
 public:
  /// Creates "<final_path>.partial" at once, so an unwritable location fails before any work
  /// is done: throws InputError naming the path and what to do. Also throws InputError if
  /// final_path exists and overwrite is false.
  H5ResultWriter(std::string final_path, H5WriterOptions options);
  ~H5ResultWriter() override;  ///< discards unless committed

  void write_chapter(const ChapterRecord& chapter, const ChapterOutput& output) override;
  void commit(const RunInfo& info, const std::vector<ChapterRecord>& chapters,
              const std::vector<RankRecord>& ranks, const std::vector<ItemRecord>& items) override;
  void discard() noexcept override;

  const std::string& final_path() const;
  const std::string& partial_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::io
