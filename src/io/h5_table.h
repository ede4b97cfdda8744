#pragma once
/// \file Tables: 1-D compound datasets with one row per record (private to the io module).
///
/// A RowLayout maps the fields of a plain row struct (numbers, `char*` for UTF-8 strings,
/// int8 enums) to HDF5 compound members by name. Files store the packed compound; reading
/// matches members by name, so a field missing from an older file keeps the row struct's
/// default and an unknown member of a newer file is ignored.
/// \code
///   RowLayout layout(sizeof(ChapterRow));
///   layout.add("index", offsetof(ChapterRow, index), native<std::uint32_t>());
///   write_table(file.id(), "chapters", layout, rows.data(), rows.size());
///   auto records = read_table<ChapterRow>(file.id(), "chapters", layout, to_record);
/// \endcode

#include <hdf5.h>

#include <cstddef>
#include <string>
#include <vector>

#include "h5_handle.h"

namespace mpibatch::io::h5 {

/// Rows per chunk target, in bytes of packed rows.
inline constexpr std::size_t kTableChunkBytes = std::size_t{1} << 20;

class RowLayout {
 public:
  explicit RowLayout(std::size_t row_size) : row_size_(row_size) {}
  /// Adds member `name` at byte `offset` of the row struct, of memory type `type` (copied).
  void add(const std::string& name, std::size_t offset, hid_t type);

  std::size_t row_size() const { return row_size_; }
  /// The compound of every field, laid out like the row struct.
  DataType memory_type() const;
  /// The compound of the fields that `file_type` also has, laid out like the row struct.
  DataType memory_type_for(hid_t file_type) const;
  /// The packed compound stored in files.
  DataType file_type() const;

 private:
  struct Field {
    std::string name;
    std::size_t offset;
    DataType type;
  };
  std::size_t row_size_;
  std::vector<Field> fields_;
};

/// Creates dataset `name` under `loc` (chunked, extensible) holding `count` rows.
void write_table(hid_t loc, const std::string& name, const RowLayout& layout, const void* rows,
                 std::size_t count);

/// Reads one table; frees the strings HDF5 allocated when it goes out of scope, so the rows
/// read into must outlive it.
class TableRead {
 public:
  TableRead(hid_t loc, const std::string& name, const RowLayout& layout);
  ~TableRead();
  TableRead(const TableRead&) = delete;
  TableRead& operator=(const TableRead&) = delete;

  std::size_t rows() const { return rows_; }
  /// Reads every row into `buffer` (rows() default-constructed row structs).
  void into(void* buffer);

 private:
  DataSet dataset_;
  DataSpace space_;
  DataType mem_type_;
  std::size_t rows_ = 0;
  void* buffer_ = nullptr;
};

/// Reads table `name` as `Row`s and returns `convert(row)` for each.
template <class Row, class Convert>
auto read_table(hid_t loc, const std::string& name, const RowLayout& layout, Convert convert) {
  std::vector<Row> rows;
  TableRead read(loc, name, layout);  // destroyed before `rows`: frees their strings
  rows.resize(read.rows());
  read.into(rows.data());
  std::vector<decltype(convert(rows.front()))> records;
  records.reserve(rows.size());
  for (const Row& row : rows) records.push_back(convert(row));
  return records;
}

}  // namespace mpibatch::io::h5
