#pragma once
/// \file ResultReader: reads an mpibatch result file back (inspect, report, --resume, tests).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mpibatch/io/run_records.h"

namespace mpibatch::io {

class ResultReader {
 public:
  /// Opens read-only. Throws InputError naming the path if it is missing, not HDF5, or not an
  /// mpibatch result file.
  explicit ResultReader(const std::string& path);
  ~ResultReader();
  ResultReader(ResultReader&&) noexcept;
  ResultReader& operator=(ResultReader&&) noexcept;

  RunInfo info() const;
  std::vector<ChapterRecord> chapters() const;
  std::vector<RankRecord> ranks() const;
  std::vector<ItemRecord> items() const;
  /// Outputs of one chapter; throws InputError if there is no such chapter.
  ChapterOutput chapter_output(std::uint32_t chapter_index) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::io
