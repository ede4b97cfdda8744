#pragma once
/// \file ResultReader: reads an mpibatch result file back (inspect, report, --resume, tests).
///
/// Every error, from opening to reading a damaged dataset, is an InputError naming the file.
/// Not thread-safe; one reader per thread. Layout: docs/hdf5-schema.md.
/// \code
///   ResultReader reader("out.h5");
///   for (const ItemRecord& item : reader.items())
///     if (item.status == ItemStatus::kFailed) std::cerr << item.id << ": " << item.error;
/// \endcode

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mpibatch/io/run_records.h"

namespace mpibatch::io {

/// One dataset of the file, for listings (inspect).
struct DatasetInfo {
  std::string path;                  ///< "/results/chapter_000002/values"
  std::vector<std::uint64_t> shape;  ///< empty for a scalar
  std::string type;                  ///< "float32", "int64", "compound[16]", "string", ...
};

class ResultReader {
 public:
  /// Opens read-only. Throws InputError naming the path if it is missing, not HDF5, damaged
  /// or truncated, or not an mpibatch result file (no `format` = "mpibatch-result" attribute,
  /// or a format_version newer than this build reads).
  explicit ResultReader(const std::string& path);
  ~ResultReader();
  ResultReader(ResultReader&&) noexcept;
  ResultReader& operator=(ResultReader&&) noexcept;

  const std::string& path() const;
  RunInfo info() const;
  std::vector<ChapterRecord> chapters() const;  ///< sorted by index
  std::vector<RankRecord> ranks() const;        ///< sorted by rank
  std::vector<ItemRecord> items() const;        ///< sorted by id
  /// A train job's /train tables, or an infer job over a dataset's /predictions and
  /// /evaluation (in `epochs`); empty for an infer job over a book.
  TrainRecords training() const;
  /// Outputs of one chapter; throws InputError if there is no such chapter.
  ChapterOutput chapter_output(std::uint32_t chapter_index) const;
  /// Every dataset in the file, depth first, names in order (chapters in reading order).
  std::vector<DatasetInfo> datasets() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::io
