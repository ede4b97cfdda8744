#include "h5_chapter.h"

#include <algorithm>
#include <string>
#include <vector>

#include "h5_api.h"
#include "h5_attributes.h"
#include "h5_layout.h"
#include "h5_types.h"
#include "mpibatch/error.h"

namespace mpibatch::io::h5 {
namespace {

std::size_t feature_size(const ChapterOutput& output) {
  std::size_t size = 1;
  for (std::int64_t dim : output.feature_shape) size *= static_cast<std::size_t>(dim);
  return size;
}

[[noreturn]] void bad_output(const ChapterRecord& chapter, const std::string& what) {
  throw IoError("chapter " + std::to_string(chapter.index) + " ('" + chapter.title +
                "'): cannot write its outputs: " + what);
}

/// Rows per chunk: at most kValuesChunkBytes, split evenly so that the last chunk is as full as
/// the others (HDF5 stores every chunk at full size, so a nearly empty last chunk wastes space).
hsize_t chunk_rows(hsize_t rows, std::size_t row_bytes) {
  const hsize_t max_rows = std::max<hsize_t>(kValuesChunkBytes / row_bytes, 1);
  if (rows <= max_rows) return std::max<hsize_t>(rows, 1);
  const hsize_t chunks = (rows + max_rows - 1) / max_rows;
  return (rows + chunks - 1) / chunks;
}

/// Offsets up to this size live in the dataset's object header (compact layout): no separate
/// allocation and write per chapter.
constexpr std::size_t kCompactOffsetsBytes = 16 * 1024;

/// Link name length to estimate for a chapter group's 2 links, so that its first header chunk
/// also holds the 4 attributes (NOTE [group header size]); checked with h5debug: 100 is too
/// little for HDF5 1.10, 128 fits with room to spare.
constexpr unsigned kGroupHeaderLinkNameEstimate = 128;

}  // namespace

std::int64_t output_rows(const ChapterOutput& output) {
  return output.offsets.empty() ? 0 : output.offsets.back();
}

void check_chapter_output(const ChapterRecord& chapter, const ChapterOutput& output) {
  for (std::int64_t dim : output.feature_shape) {
    if (dim <= 0) bad_output(chapter, "feature_shape has a dimension " + std::to_string(dim));
  }
  const auto& offsets = output.offsets;
  if (offsets.empty()) {
    if (!output.values.empty()) bad_output(chapter, "values without offsets");
    return;
  }
  if (offsets.size() != static_cast<std::size_t>(chapter.items) + 1) {
    bad_output(chapter, std::to_string(offsets.size()) + " offsets for " +
                            std::to_string(chapter.items) + " items (need items + 1)");
  }
  if (offsets.front() != 0) bad_output(chapter, "offsets[0] is not 0");
  if (!std::is_sorted(offsets.begin(), offsets.end())) bad_output(chapter, "offsets decrease");
  const std::size_t expected = static_cast<std::size_t>(offsets.back()) * feature_size(output);
  if (expected != output.values.size()) {
    bad_output(chapter, std::to_string(output.values.size()) + " values where the offsets " +
                            "and feature_shape need " + std::to_string(expected));
  }
}

ChapterWriter::ChapterWriter(int compression)
    : compression_(std::clamp(compression, 0, 9)),
      group_create_(untimed_creation_list(H5P_GROUP_CREATE)),
      values_contiguous_(untimed_creation_list(H5P_DATASET_CREATE)),
      offsets_compact_(untimed_creation_list(H5P_DATASET_CREATE)),
      offsets_contiguous_(untimed_creation_list(H5P_DATASET_CREATE)) {
  // NOTE [group header size]: HDF5 sizes a new group's object header from the estimated links
  // only. The chapter's 4 attributes (about 200 bytes of messages) would then not fit, and
  // adding them would allocate a continuation chunk (more allocation, free-space and cache
  // work per chapter, ~10% of its metadata cost). Estimating the 2 links with long names
  // reserves the room; the header still holds exactly the links and attributes.
  h5p_set_est_link_info(group_create_.id(), 2, kGroupHeaderLinkNameEstimate);
  // NOTE [contiguous values]: the whole chapter is in memory when it is written, so its size
  // is known: a contiguous dataset is one allocation and one write, straight from the caller's
  // buffer (no chunk index, no chunk cache). Space is allocated by that write (late) and never
  // filled first. The default access list: its chunk cache does not apply, and a non-default
  // one is copied by every H5Dcreate.
  h5p_set_layout(values_contiguous_.id(), H5D_CONTIGUOUS);
  h5p_set_alloc_time(values_contiguous_.id(), H5D_ALLOC_TIME_LATE);
  h5p_set_fill_time(values_contiguous_.id(), H5D_FILL_TIME_NEVER);
  h5p_set_layout(offsets_compact_.id(), H5D_COMPACT);
}

void ChapterWriter::write(hid_t results, const ChapterRecord& chapter,
                          const ChapterOutput& output) const {
  check_chapter_output(chapter, output);
  Group group = h5g_create(results, chapter_group_name(chapter.index), group_create_.id());
  write_values(group.id(), output);
  write_offsets(group.id(), chapter, output);
  add_attribute(group.id(), "index", chapter.index);
  add_attribute(group.id(), "title", chapter.title);
  add_attribute(group.id(), "source", chapter.source);
  add_attribute(group.id(), "language", chapter.language);
  add_attribute(group.id(), "items", chapter.items);
}

void ChapterWriter::write_values(hid_t group, const ChapterOutput& output) const {
  const std::size_t row_floats = feature_size(output);
  const auto rows = static_cast<hsize_t>(output_rows(output));
  std::vector<hsize_t> dims{rows}, maxdims{H5S_UNLIMITED};
  for (std::int64_t dim : output.feature_shape) {
    dims.push_back(static_cast<hsize_t>(dim));
    maxdims.push_back(static_cast<hsize_t>(dim));
  }
  if (compression_ == 0) {
    DataSpace space = h5s_create_simple(dims);
    DataSet values =
        h5d_create(group, kValuesDataset, H5T_IEEE_F32LE, space.id(), values_contiguous_.id());
    if (rows > 0) h5d_write(values.id(), native<float>(), output.values.data());
    return;
  }
  std::vector<hsize_t> chunk = dims;
  chunk[0] = chunk_rows(rows, row_floats * sizeof(float));
  PropList dcpl = untimed_creation_list(H5P_DATASET_CREATE);
  h5p_set_chunk(dcpl.id(), chunk);
  h5p_set_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER);
  h5p_set_shuffle(dcpl.id());
  h5p_set_deflate(dcpl.id(), static_cast<unsigned>(compression_));
  DataSpace space = h5s_create_simple(dims, maxdims);
  DataSet values = h5d_create(group, kValuesDataset, H5T_IEEE_F32LE, space.id(), dcpl.id());
  if (rows > 0) h5d_write(values.id(), native<float>(), output.values.data());
}

void ChapterWriter::write_offsets(hid_t group, const ChapterRecord& chapter,
                                  const ChapterOutput& output) const {
  std::vector<std::int64_t> zeros;
  const std::vector<std::int64_t>* offsets = &output.offsets;
  if (offsets->empty()) {  // no outputs at all: every item has 0 rows
    zeros.assign(static_cast<std::size_t>(chapter.items) + 1, 0);
    offsets = &zeros;
  }
  const bool compact = offsets->size() * sizeof(std::int64_t) <= kCompactOffsetsBytes;
  DataSpace space = h5s_create_simple({offsets->size()});
  DataSet dataset = h5d_create(group, kOffsetsDataset, H5T_STD_I64LE, space.id(),
                               compact ? offsets_compact_.id() : offsets_contiguous_.id());
  h5d_write(dataset.id(), native<std::int64_t>(), offsets->data());
}

ChapterOutput read_chapter_group(hid_t file, std::uint32_t index) {
  Group group = h5g_open(file, chapter_group_path(index));
  ChapterOutput output;

  DataSet values = h5d_open(group.id(), kValuesDataset);
  const std::vector<hsize_t> dims = h5s_get_dims(h5d_get_space(values.id()).id());
  if (dims.empty()) throw IoError("'" + object_path(values.id()) + "' is a scalar");
  std::size_t count = 1;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    count *= static_cast<std::size_t>(dims[d]);
    if (d > 0) output.feature_shape.push_back(static_cast<std::int64_t>(dims[d]));
  }
  output.values.resize(count);
  if (count > 0) h5d_read(values.id(), native<float>(), output.values.data());

  DataSet offsets = h5d_open(group.id(), kOffsetsDataset);
  const std::vector<hsize_t> offset_dims = h5s_get_dims(h5d_get_space(offsets.id()).id());
  if (offset_dims.size() != 1) throw IoError("'" + object_path(offsets.id()) + "' is not 1-D");
  output.offsets.resize(static_cast<std::size_t>(offset_dims[0]));
  if (!output.offsets.empty())
    h5d_read(offsets.id(), native<std::int64_t>(), output.offsets.data());
  return output;
}

}  // namespace mpibatch::io::h5
