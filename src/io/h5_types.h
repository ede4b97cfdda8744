#pragma once
/// \file The HDF5 datatypes of the mpibatch layout (private to the io module).

#include <hdf5.h>

#include <cstdint>
#include <string>

#include "h5_handle.h"

namespace mpibatch::io::h5 {

/// The predefined native type of T (owned by the library: never close it).
template <class T>
hid_t native();
template <>
inline hid_t native<std::int8_t>() {
  return H5T_NATIVE_INT8;
}
template <>
inline hid_t native<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
inline hid_t native<std::uint32_t>() {
  return H5T_NATIVE_UINT32;
}
template <>
inline hid_t native<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
inline hid_t native<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
inline hid_t native<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
inline hid_t native<double>() {
  return H5T_NATIVE_DOUBLE;
}

/// Variable-length UTF-8 string; in memory a `char*` (h5py reads it as str/bytes).
DataType utf8_string_type();
/// The same type, created once per process (owned by the io module: never close it).
hid_t shared_utf8_string_type();

/// ItemStatus as an HDF5 enum over int8: ok = 0, failed = 1, skipped = 2.
DataType item_status_type();

/// A short description for humans: "float32", "int64", "string", "compound[16]", "enum".
std::string describe_type(hid_t type);

}  // namespace mpibatch::io::h5
