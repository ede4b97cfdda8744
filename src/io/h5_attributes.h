#pragma once
/// \file Scalar attributes: UTF-8 strings and numbers (private to the io module).
///
/// write_attribute replaces an attribute of the same name; add_attribute is for objects just
/// created (no look-up first, so it fails if the name exists). Readers convert numbers to the
/// requested type (HDF5 conversion) and accept both variable- and fixed-length strings, so files
/// written by other tools read too. Errors throw IoError (see h5_error.h).

#include <hdf5.h>

#include <cstdint>
#include <string>

namespace mpibatch::io::h5 {

void write_attribute(hid_t loc, const std::string& name, const std::string& value);
void write_attribute(hid_t loc, const std::string& name, std::int32_t value);
void write_attribute(hid_t loc, const std::string& name, std::uint32_t value);
void write_attribute(hid_t loc, const std::string& name, double value);

void add_attribute(hid_t loc, const std::string& name, const std::string& value);
void add_attribute(hid_t loc, const std::string& name, std::uint32_t value);

bool has_attribute(hid_t loc, const std::string& name);
std::string read_string_attribute(hid_t loc, const std::string& name);
std::int64_t read_int_attribute(hid_t loc, const std::string& name);
double read_double_attribute(hid_t loc, const std::string& name);

/// The attribute's value, or `fallback` if the object has no attribute of that name.
std::string read_string_attribute_or(hid_t loc, const std::string& name,
                                     const std::string& fallback);
std::int64_t read_int_attribute_or(hid_t loc, const std::string& name, std::int64_t fallback);
double read_double_attribute_or(hid_t loc, const std::string& name, double fallback);

}  // namespace mpibatch::io::h5
