#pragma once
/// \file One chapter's group under /results: values, offsets and attributes (private to io).

#include <hdf5.h>

#include <cstddef>
#include <cstdint>

#include "h5_handle.h"
#include "mpibatch/io/run_records.h"

namespace mpibatch::io::h5 {

/// Most bytes per chunk of a compressed values dataset; a chapter is split into equal chunks up
/// to this. (Uncompressed values are contiguous: NOTE [contiguous values] in h5_chapter.cpp.)
inline constexpr std::size_t kValuesChunkBytes = std::size_t{1} << 20;

/// Rows that `output` holds: offsets.back(), or 0 without offsets.
std::int64_t output_rows(const ChapterOutput& output);

/// Throws IoError naming the chapter if `output` does not fit `chapter`: offsets must have
/// items + 1 entries (or none, with no values: every item has 0 rows), start at 0, never
/// decrease, and end at values.size() / prod(feature_shape); feature dimensions must be > 0.
void check_chapter_output(const ChapterRecord& chapter, const ChapterOutput& output);

/// Writes chapter groups under /results; holds what all chapters share (property lists).
class ChapterWriter {
 public:
  /// `compression`: gzip level for values (0 = none, the fast default), with shuffle when > 0.
  explicit ChapterWriter(int compression);

  /// Creates chapter_%06u under `results` with `values` (float32; contiguous without
  /// compression, chunked and extensible with it) and `offsets` (int64; an empty `output` gets
  /// items + 1 zeros), and attributes index, title, source, items. Checks the output first
  /// (check_chapter_output).
  void write(hid_t results, const ChapterRecord& chapter, const ChapterOutput& output) const;

 private:
  void write_values(hid_t group, const ChapterOutput& output) const;
  void write_offsets(hid_t group, const ChapterRecord& chapter, const ChapterOutput& output) const;

  int compression_;
  PropList group_create_;
  PropList values_contiguous_;  // compression 0: the same list for every chapter
  PropList offsets_compact_;
  PropList offsets_contiguous_;
};

/// Reads a chapter's values, offsets and feature shape; throws IoError if it is missing.
ChapterOutput read_chapter_group(hid_t file, std::uint32_t index);

}  // namespace mpibatch::io::h5
