#include "h5_table.h"

#include <algorithm>

#include "h5_api.h"
#include "mpibatch/error.h"

namespace mpibatch::io::h5 {
namespace {

/// HDF5's default size of each type-conversion buffer (H5Pset_buffer).
constexpr std::size_t kConversionBufferBytes = std::size_t{1} << 20;

}  // namespace

void RowLayout::add(const std::string& name, std::size_t offset, hid_t type) {
  fields_.push_back({name, offset, h5t_copy(type)});
}

DataType RowLayout::memory_type() const {
  DataType compound = h5t_create(H5T_COMPOUND, row_size_);
  for (const Field& field : fields_)
    h5t_insert(compound.id(), field.name, field.offset, field.type.id());
  return compound;
}

DataType RowLayout::memory_type_for(hid_t file_type) const {
  DataType compound = h5t_create(H5T_COMPOUND, row_size_);
  int matched = 0;
  for (const Field& field : fields_) {
    if (h5t_find_member(file_type, field.name) < 0) continue;
    h5t_insert(compound.id(), field.name, field.offset, field.type.id());
    ++matched;
  }
  if (matched == 0) throw IoError("the table has none of the expected fields");
  return compound;
}

DataType RowLayout::file_type() const {
  DataType packed = memory_type();
  h5t_pack(packed.id());
  return packed;
}

void write_table(hid_t loc, const std::string& name, const RowLayout& layout, const void* rows,
                 std::size_t count) {
  DataType mem_type = layout.memory_type();
  DataType file_type = layout.file_type();
  const std::size_t packed_row = h5t_get_size(file_type.id());
  const hsize_t chunk_rows =
      std::clamp<hsize_t>(kTableChunkBytes / packed_row, 1, std::max<hsize_t>(count, 1));
  DataSpace space = h5s_create_simple({count}, {H5S_UNLIMITED});
  PropList dcpl = untimed_creation_list(H5P_DATASET_CREATE);
  h5p_set_chunk(dcpl.id(), {chunk_rows});
  DataSet dataset = h5d_create(loc, name, file_type.id(), space.id(), dcpl.id());
  if (count == 0) return;
  // NOTE [conversion buffer]: the rows are converted (padding, strings) on the way to the file,
  // through buffers that HDF5 allocates per write at 1 MiB each by default, zeroing one: fresh
  // memory, page-faulted in, for a table of 1 row too. Sized to the table, up to that default;
  // HDF5 needs room for a row in memory and on disk, where a string takes 16 bytes instead of
  // a pointer's 8, so twice the memory row is always enough.
  const std::size_t buffer_bytes = std::min(kConversionBufferBytes, 2 * count * layout.row_size());
  PropList dxpl = h5p_create(H5P_DATASET_XFER);
  h5p_set_buffer(dxpl.id(), buffer_bytes);
  h5d_write(dataset.id(), mem_type.id(), rows, dxpl.id());
}

TableRead::TableRead(hid_t loc, const std::string& name, const RowLayout& layout)
    : dataset_(h5d_open(loc, name)), space_(h5d_get_space(dataset_.id())) {
  DataType file_type = h5d_get_type(dataset_.id());
  if (h5t_get_class(file_type.id()) != H5T_COMPOUND)
    throw IoError("dataset '" + object_path(dataset_.id()) + "' is not a table");
  const std::vector<hsize_t> dims = h5s_get_dims(space_.id());
  if (dims.size() != 1)
    throw IoError("dataset '" + object_path(dataset_.id()) + "' is not one-dimensional");
  rows_ = static_cast<std::size_t>(dims[0]);
  mem_type_ = layout.memory_type_for(file_type.id());
}

TableRead::~TableRead() {
  if (buffer_ != nullptr) h5d_vlen_reclaim(mem_type_.id(), space_.id(), buffer_);
}

void TableRead::into(void* buffer) {
  if (rows_ == 0) return;
  h5d_read(dataset_.id(), mem_type_.id(), buffer);
  buffer_ = buffer;
}

}  // namespace mpibatch::io::h5
